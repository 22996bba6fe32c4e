import { generateKeyPairSync } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  privateKeyFromSeed,
  rawPublicKey,
  runproofKeyId,
  signEd25519,
  verifyEd25519,
} from '../../domain/proof/ed25519-keys.js';
import { sha256, toHex } from '../../domain/proof/sha256.js';
import {
  noteKeyHash,
  openNote,
  parseTlogCheckpoint,
  parseVerifierKey,
  signNote,
  tlogCheckpointBody,
  verifierKey,
  type NoteError,
} from '../../domain/proof/signed-note.js';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};
const left = <A>(e: E.Either<NoteError, A>): NoteError => {
  if (E.isRight(e)) throw new Error(`expected Left, got ${JSON.stringify(e.right)}`);
  return e.left;
};

// golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestOpen).
const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const peter = right(parseVerifierKey(peterVkey));
const enoch = right(parseVerifierKey(enochVkey));
const peterSeed = Buffer.from(peterSkey.split('+').slice(4).join('+'), 'base64').subarray(1);
const peterPrivate = right(privateKeyFromSeed(peterSeed));
const names = (keys: readonly { readonly name: string }[]) => keys.map((k) => k.name);
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

describe('C2SP spec examples', () => {
  it('splits at the last blank line (signed-note example)', () => {
    const body =
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    const note = `${body}\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n`;
    expect(left(openNote(note, [peter]))).toMatchObject({ kind: 'unverified_note', body });
  });

  it('parses the tlog-checkpoint example body', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const cp = right(parseTlogCheckpoint(body));
    expect(cp).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163, extensions: [] });
    expect(right(tlogCheckpointBody(cp.origin, cp.treeSize, cp.rootHash))).toBe(body);
  });
});

describe('tlog-checkpoint body', () => {
  // golang.org/x/mod sumdb/tlog/note_test.go TestFormatTree: RecordHash("hello world") = SHA-256(0x00 || data)
  const goldHash = sha256(Uint8Array.of(0), Buffer.from('hello world'));
  const golden = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

  it('formats and parses the Go tree vector', () => {
    expect(right(tlogCheckpointBody('go.sum database tree', 123456789012, goldHash))).toBe(golden);
    expect(right(parseTlogCheckpoint(golden))).toEqual({
      origin: 'go.sum database tree',
      treeSize: 123456789012,
      rootHash: goldHash,
      extensions: [],
    });
  });

  it('round trips extension lines and size 0', () => {
    const body = right(tlogCheckpointBody('example.com/log', 0, goldHash, ['ext one', 'ext two']));
    expect(body).toBe(`example.com/log\n0\n${Buffer.from(goldHash).toString('base64')}\next one\next two\n`);
    expect(right(parseTlogCheckpoint(body))).toMatchObject({
      treeSize: 0,
      extensions: ['ext one', 'ext two'],
    });
    expect(right(parseTlogCheckpoint(golden + 'JOE\n')).extensions).toEqual(['JOE']);
  });

  it.each([
    [
      'hex size (Go vector)',
      'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    ],
    [
      'root too long (Go vector)',
      'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
    ],
    ['leading zero', 'o\n012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['negative size', 'o\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['unsafe integer size', 'o\n9007199254740993\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['root 31 bytes', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['root not base64', 'o\n1\nnot base64!\n'],
    ['missing root line', 'o\n1\n'],
    ['missing size and root', 'o\n'],
    ['empty origin', '\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['no final newline', golden + 'JOE'],
    ['empty extension line', golden + '\nJOE\n'],
    ['empty body', ''],
  ])('rejects a malformed body: %s', (_label, body) => {
    expect(left(parseTlogCheckpoint(body)).kind).toBe('malformed_checkpoint');
  });

  it('refuses to format invalid values', () => {
    expect(E.isLeft(tlogCheckpointBody('', 1, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o\nx', 1, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o', -1, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o', 1.5, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o', 1, goldHash.slice(1)))).toBe(true);
  });
});

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

describe('Ed25519 keys', () => {
  it('verifies its own signatures and returns false on malformed input', () => {
    const msg = Buffer.from('hi');
    const sig = signEd25519(peterPrivate, msg);
    expect(verifyEd25519(peter.rawPublicKey, msg, sig)).toBe(true);
    expect(verifyEd25519(peter.rawPublicKey, Buffer.from('ho'), sig)).toBe(false);
    expect(verifyEd25519(peter.rawPublicKey, msg, sig.slice(1))).toBe(false);
    expect(verifyEd25519(peter.rawPublicKey.slice(1), msg, sig)).toBe(false);
    expect(verifyEd25519(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
  });

  it('runproofKeyId is 16 lowercase hex digits of SHA-256(raw key) and changes with the key', () => {
    const id = runproofKeyId(peter.rawPublicKey);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(id).toBe(toHex(sha256(peter.rawPublicKey)).slice(0, 16));
    expect(runproofKeyId(enoch.rawPublicKey)).not.toBe(id);
  });
});
