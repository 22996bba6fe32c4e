import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { rawPublicKey } from '../../domain/proof/ed25519-keys.js';
import { sha256, toHex } from '../../domain/proof/sha256.js';
import {
  noteKeyHash,
  openNote,
  parseVerifierKey,
  signNote,
  verifierKey,
} from '../../domain/proof/signed-note.js';
import {
  enoch,
  enochVkey,
  left,
  names,
  peter,
  peterPrivate,
  peterVkey,
  right,
} from './signed-note-fixtures.js';

// golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestOpen):
// the note and its signatures; the keys are in signed-note-fixtures.ts.
const text =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** Go-style byte-index splice (the em dash is 3 UTF-8 bytes). */
const spliceBytes = (s: string, at: number, insert: string) =>
  Buffer.concat([
    Buffer.from(s).subarray(0, at),
    Buffer.from(insert),
    Buffer.from(s).subarray(at),
  ]).toString();

describe('Go sumdb/note vectors', () => {
  it('parses the verifier keys and recomputes their key hashes', () => {
    expect(peter).toMatchObject({ name: 'PeterNeumann', keyHash: 'c74f20a3' });
    expect(enoch).toMatchObject({ name: 'EnochRoot', keyHash: 'af0cfe78' });
    expect(toHex(noteKeyHash('PeterNeumann', peter.rawPublicKey))).toBe('c74f20a3');
    expect(right(verifierKey('PeterNeumann', peter.rawPublicKey))).toBe(peterVkey);
    expect(right(verifierKey('EnochRoot', enoch.rawPublicKey))).toBe(enochVkey);
  });

  it('derives the PeterNeumann public key from the Go private key seed', () => {
    expect(right(rawPublicKey(peterPrivate))).toEqual(peter.rawPublicKey);
  });

  it('rejects every mangling of the verifier key', () => {
    const b = Buffer.from(peterVkey);
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i !== 0 || j !== b.length)
          expect(E.isLeft(parseVerifierKey(b.subarray(i, j).toString()))).toBe(true);
      }
    }
    for (let i = 0; i < b.length; i++) {
      const m = Buffer.from(b);
      m[i] = (m[i] ?? 0) + 1;
      expect(E.isLeft(parseVerifierKey(m.toString()))).toBe(true);
    }
    // wrong length key and unknown algorithm, each with an adjusted key hash (Go's wrong-length
    // vector ends in the non-canonical base64 quantum "EY==", which this strict decoder refuses)
    expect(
      left(parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='))
        .kind,
    ).toBe('malformed_verifier_key');
    const long = Uint8Array.of(1, ...peter.rawPublicKey, 0);
    const longHash = toHex(sha256(Buffer.from('PeterNeumann\n'), long).slice(0, 4));
    expect(
      left(parseVerifierKey(`PeterNeumann+${longHash}+${Buffer.from(long).toString('base64')}`)),
    ).toMatchObject({ message: 'Ed25519 key must be 32 bytes' });
    expect(
      left(parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')),
    ).toMatchObject({ message: 'unknown signature type 101' });
  });

  it('signs the Go message to the exact Go output', () => {
    expect(right(signNote(text, 'PeterNeumann', peterPrivate, peter.rawPublicKey))).toBe(
      `${text}\n${peterSig}`,
    );
    expect(left(signNote('abc', 'PeterNeumann', peterPrivate, peter.rawPublicKey)).kind).toBe(
      'malformed_note',
    );
    expect(left(signNote(text, 'bad name', peterPrivate, peter.rawPublicKey)).kind).toBe('invalid_signer');
    expect(left(signNote(text, 'PeterNeumann', peterPrivate, enoch.rawPublicKey)).kind).toBe(
      'invalid_signer',
    );
  });

  it('opens with one known and one unknown signer, or both known', () => {
    const one = right(openNote(text + '\n' + peterSig + enochSig, [peter]));
    expect(one.body).toBe(text);
    expect(names(one.verifiedBy)).toEqual(['PeterNeumann']);
    expect(one.unverified).toEqual([
      { name: 'EnochRoot', keyHash: 'af0cfe78', base64: enochSig.slice(12, -1) },
    ]);
    const both = right(openNote(text + '\n' + peterSig + enochSig, [peter, enoch]));
    expect(names(both.verifiedBy)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(both.unverified).toEqual([]);
  });

  it('rejects a note no known key signed, keeping the unverified body', () => {
    const err = left(openNote(text + '\n' + peterSig + enochSig, []));
    expect(err).toMatchObject({
      kind: 'unverified_note',
      body: text,
      message: 'note has no verifiable signatures',
    });
    expect(err.kind === 'unverified_note' && names(err.unverified)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('treats a repeated identical known key as one key (Go: unused duplicated verifier)', () => {
    expect(names(right(openNote(text + '\n' + enochSig, [enoch, peter, enoch])).verifiedBy)).toEqual([
      'EnochRoot',
    ]);
    expect(E.isRight(openNote(text + '\n' + peterSig, [enoch, peter, enoch]))).toBe(true);
  });

  it('rejects more than 100 signatures', () => {
    expect(left(openNote(text + '\n' + peterSig.repeat(101), [peter])).kind).toBe('malformed_note');
    expect(left(openNote(text + '\n' + peterSig.repeat(101), [])).kind).toBe('malformed_note');
    expect(E.isRight(openNote(text + '\n' + peterSig.repeat(100), [peter]))).toBe(true);
  });

  it('rejects an invalid signature from a known key, ignores it from an unknown key', () => {
    const badPeter = spliceBytes(peterSig, 60, 'ABCD');
    expect(left(openNote(text + '\n' + badPeter, [peter]))).toMatchObject({
      kind: 'invalid_signature',
      name: 'PeterNeumann',
      keyHash: 'c74f20a3',
      message: 'invalid signature for key PeterNeumann+c74f20a3',
    });
    const badEnoch = spliceBytes(enochSig, 60, 'ABCD');
    const n = right(openNote(text + '\n' + peterSig + peterSig + enochSig + enochSig + badEnoch, [peter]));
    expect(names(n.verifiedBy)).toEqual(['PeterNeumann']);
    expect(n.unverified.map((s) => s.base64)).toEqual([enochSig.slice(12, -1), badEnoch.slice(12, -1)]);
  });

  it.each([
    ['no signature block', text],
    ['blank line only', text + '\n'],
    ['signature line without newline', text + '\n' + peterSig.slice(0, -1)],
    ['control character', '\x01' + text + '\n' + peterSig],
    [
      'bad name',
      text +
        '\n' +
        '— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
    ],
    ['unexpected line', text + '\n' + peterSig + 'Unexpected line.\n'],
  ])('rejects a malformed note: %s', (_label, msg) => {
    expect(left(openNote(msg, [peter])).kind).toBe('malformed_note');
  });

  it('rejects invalid UTF-8 bytes', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(text + '\n' + peterSig)]);
    expect(left(openNote(bytes, [peter])).kind).toBe('malformed_note');
    expect(E.isRight(openNote(Buffer.from(text + '\n' + peterSig), [peter]))).toBe(true);
  });

  it('ignores a signature whose name or key hash matches no known key', () => {
    expect(
      left(openNote(text + '\n' + peterSig.replace('PeterNeumann', 'CarmenSandiego'), [peter])).kind,
    ).toBe('unverified_note');
    expect(left(openNote(text + '\n' + peterSig.replace('x08g', 'xxxx'), [peter])).kind).toBe(
      'unverified_note',
    );
  });
});
