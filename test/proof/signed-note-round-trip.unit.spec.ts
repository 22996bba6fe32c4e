import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawPublicKey } from '../../domain/proof/ed25519-keys.js';
import { sha256, toHex } from '../../domain/proof/sha256.js';
import {
  noteKeyHash,
  openNote,
  parseTlogCheckpoint,
  parseVerifierKey,
  signNote,
  tlogCheckpointBody,
  verifierKey,
} from '../../domain/proof/signed-note.js';
import { left, names, right } from './signed-note-fixtures.js';

// A checkpoint signed as a C2SP signed note with a fresh Ed25519 key, then opened: what was signed
// opens, a flipped byte does not, signatures of unknown keys are ignored.

describe('sign and open round trip', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const raw = right(rawPublicKey(privateKey));
  const name = 'runproof.example/log';
  const key = { name, rawPublicKey: raw };
  const body = right(tlogCheckpointBody(name, 3, sha256(Buffer.from('root'))));
  const note = right(signNote(body, name, privateKey, raw));

  it('opens what it signs, and the body parses as a checkpoint', () => {
    const opened = right(openNote(note, [key]));
    expect(opened.body).toBe(body);
    expect(opened.verifiedBy).toEqual([{ ...key, keyHash: toHex(noteKeyHash(name, raw)) }]);
    expect(right(parseTlogCheckpoint(opened.body)).treeSize).toBe(3);
    expect(right(parseVerifierKey(right(verifierKey(name, raw))))).toEqual(opened.verifiedBy[0]);
  });

  it('rejects a flipped byte in the body', () => {
    expect(left(openNote(note.replace('\n3\n', '\n4\n'), [key])).kind).toBe('invalid_signature');
  });

  it('rejects a flipped byte in the signature, ignores a flipped key hash', () => {
    const line = note.slice(body.length + 1);
    const b64 = line.slice(line.lastIndexOf(' ') + 1, -1);
    const flip = (at: number) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      return `${body}\n— ${name} ${bytes.toString('base64')}\n`;
    };
    expect(left(openNote(flip(10), [key])).kind).toBe('invalid_signature');
    expect(left(openNote(flip(67), [key])).kind).toBe('invalid_signature');
    expect(left(openNote(flip(0), [key])).kind).toBe('unverified_note');
  });

  it('ignores signatures from unknown keys next to a known one', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const otherRaw = right(rawPublicKey(other));
    const otherLine = right(signNote(body, 'other.example', other, otherRaw)).slice(body.length + 1);
    const opened = right(openNote(note + otherLine, [key]));
    expect(names(opened.verifiedBy)).toEqual([name]);
    expect(names(opened.unverified)).toEqual(['other.example']);
    expect(left(openNote(`${body}\n${otherLine}`, [key])).kind).toBe('unverified_note');
    // a key with the right name but a different public key does not match the key hash
    expect(left(openNote(note, [{ name, rawPublicKey: otherRaw }])).kind).toBe('unverified_note');
  });
});
