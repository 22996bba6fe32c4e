import { verify as cryptoVerify, createPublicKey } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { privateKeyFromSeed, rawPublicKey } from '../../domain/proof/ed25519-keys.js';
import {
  cosignatureLine,
  cosignatureTimestamp,
  cosignerVerifierKey,
  parseCosignerVerifierKey,
  verifyCosignatures,
} from '../../domain/witness/cosignature.js';
import { right } from '../proof/signed-note-fixtures.js';

/** C2SP tlog-cosignature v1 (Ed25519) vectors: transparency-dev/formats' note_cosigv1_test.go (a
 * native 0x04 verifier key, a cosignature's timestamp), the C2SP example checkpoint cosigned at the
 * example's time by a key from a fixed seed (pinned), and an independent check of its bytes. */
const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const TIME = 1679315147;
const seedKey = right(privateKeyFromSeed(new Uint8Array(32).map((_, i) => i + 1)));
const cosigner = { name: 'witness.example/w1', rawPublicKey: right(rawPublicKey(seedKey)) };
const VKEY = 'witness.example/w1+468d99bb+BHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk';
const LINE =
  '\u2014 witness.example/w1 Ro2ZuwAAAABkGFDLQB2dbiQ7rPMIDjq/twq5Ixt42T+awjiYS4+fxrnLnI31x5abVjZlhDVvZAcRRLyAiG4oQlhTgi4DsxiPwiDaDg==\n';

describe('cosignature/v1', () => {
  it("parses transparency-dev's native cosignature verifier key and refuses a wrong key hash or type", () => {
    const remora = parseCosignerVerifierKey(
      'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    );
    expect(E.isRight(remora) && remora.right.name).toBe('remora.n621.de');
    expect(
      E.isLeft(
        parseCosignerVerifierKey('remora.n621.de+da77ade8+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2'),
      ),
    ).toBe(true);
    // A 0x01 (plain Ed25519 note) key is not a cosignature/v1 key.
    expect(
      E.isLeft(
        parseCosignerVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
      ),
    ).toBe(true);
  });

  it("reads the timestamp of transparency-dev's cosignature vector", () => {
    const bytes = Buffer.from(
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
      'base64',
    );
    expect(cosignatureTimestamp(bytes)).toBe(1727964367);
  });

  it('signs the C2SP example checkpoint exactly as pinned, with the verifier key as pinned', () => {
    expect(cosignerVerifierKey(cosigner)).toBe(VKEY);
    expect(cosignatureLine(BODY, cosigner, seedKey, TIME)).toBe(LINE);
    expect(right(parseCosignerVerifierKey(VKEY))).toEqual(cosigner);
  });

  it('signs "cosignature/v1\\ntime T\\n" and the body: checked with node:crypto alone', () => {
    const bytes = Buffer.from(LINE.trim().split(' ')[2] ?? '', 'base64');
    expect(bytes.readBigUInt64BE(4)).toBe(BigInt(TIME));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), cosigner.rawPublicKey]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const message = Buffer.from(`cosignature/v1\ntime ${TIME}\n${BODY}`);
    expect(cryptoVerify(null, message, key, bytes.subarray(12))).toBe(true);
  });

  it('verifies known cosigners, ignores unknown ones, and names a known one that does not verify', () => {
    const other = { name: 'witness.example/w2', rawPublicKey: cosigner.rawPublicKey };
    expect(verifyCosignatures(BODY, [LINE.trim()], [cosigner])).toEqual(
      E.right([{ name: 'witness.example/w1', keyHash: '468d99bb', timestamp: TIME }]),
    );
    expect(verifyCosignatures(BODY, [LINE.trim()], [other])).toEqual(E.right([]));
    const edited = BODY.replace('20852163', '20852164');
    expect(E.isLeft(verifyCosignatures(edited, [LINE.trim()], [cosigner]))).toBe(true);
  });
});
