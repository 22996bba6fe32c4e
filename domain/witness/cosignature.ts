import type { KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { decodeBase64 } from '../json/canonical-base64.js';
import { ED25519_PUBLIC_KEY_BYTES, signEd25519, verifyEd25519 } from '../proof/ed25519-keys.js';
import { sha256, toHex } from '../proof/sha256.js';

/** C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the Ed25519 `cosignature/v1` type:
 * a note signature line `— <name> base64(key ID ‖ u64 big-endian timestamp ‖ signature)` whose key
 * ID is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4] and whose signature covers
 * "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint body. */

const SIG_TYPE_COSIGNATURE_V1 = 0x04;
const SIG_PREFIX = '\u2014 ';
const MAX_TIMESTAMP = 2n ** 63n - 1n;
const LINE_BYTES = 4 + 8 + 64;

/** A witness as a verifier knows it: its name and raw 32-byte Ed25519 public key. */
export type Cosigner = { readonly name: string; readonly rawPublicKey: Uint8Array };

/** A cosignature that verified: by whom, and when (POSIX seconds) the witness says it signed. */
export type VerifiedCosignature = {
  readonly name: string;
  readonly keyHash: string;
  readonly timestamp: number;
};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The 4-byte key ID of a cosigner. */
export const cosignerKeyHash = (name: string, raw: Uint8Array): Uint8Array =>
  sha256(utf8(name), Uint8Array.of(0x0a, SIG_TYPE_COSIGNATURE_V1), raw).slice(0, 4);

/** The signed message: the header, the time line and the checkpoint body (ending in a newline). */
const cosignatureMessage = (body: string, timestamp: number): Uint8Array =>
  utf8(`cosignature/v1\ntime ${timestamp}\n${body}`);

const u64 = (value: number): Uint8Array => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
  return bytes;
};

/** The cosignature line of `body` at `timestamp` by the witness key. */
export const cosignatureLine = (
  body: string,
  cosigner: Cosigner,
  privateKey: KeyObject,
  timestamp: number,
): string => {
  const signature = signEd25519(privateKey, cosignatureMessage(body, timestamp));
  const payload = [cosignerKeyHash(cosigner.name, cosigner.rawPublicKey), u64(timestamp), signature];
  return `${SIG_PREFIX}${cosigner.name} ${Buffer.concat(payload).toString('base64')}\n`;
};

/** The verifier key of a cosigner: `<name>+<hex key ID>+<base64(0x04 ‖ public key)>`. */
export const cosignerVerifierKey = (cosigner: Cosigner): string =>
  `${cosigner.name}+${toHex(cosignerKeyHash(cosigner.name, cosigner.rawPublicKey))}+${Buffer.from(
    Uint8Array.of(SIG_TYPE_COSIGNATURE_V1, ...cosigner.rawPublicKey),
  ).toString('base64')}`;

/** A cosigner from its verifier key, or why it is not one (type 0x04, 32-byte key, matching ID). */
export const parseCosignerVerifierKey = (text: string): E.Either<string, Cosigner> => {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/u.exec(text);
  const key = match === null ? undefined : decodeBase64(match[3] ?? '');
  if (match === null || key === undefined) return E.left('not a verifier key <name>+<key id>+<base64>');
  if (key[0] !== SIG_TYPE_COSIGNATURE_V1 || key.length !== 1 + ED25519_PUBLIC_KEY_BYTES)
    return E.left('not a cosignature/v1 Ed25519 key (type 0x04, 32 bytes)');
  const cosigner = { name: match[1] ?? '', rawPublicKey: key.slice(1) };
  if (toHex(cosignerKeyHash(cosigner.name, cosigner.rawPublicKey)) !== match[2])
    return E.left('the key id is not the hash of the name and key');
  return E.right(cosigner);
};

/** The timestamp of a cosignature's bytes (after the key ID), or undefined if out of range. */
export const cosignatureTimestamp = (bytes: Uint8Array): number | undefined => {
  if (bytes.length !== LINE_BYTES) return undefined;
  const timestamp = new DataView(bytes.buffer, bytes.byteOffset + 4, 8).getBigUint64(0);
  return timestamp > MAX_TIMESTAMP || timestamp > BigInt(Number.MAX_SAFE_INTEGER)
    ? undefined
    : Number(timestamp);
};

/** The cosignatures among a note's signature lines that verify over `body` with a known cosigner;
 * lines by unknown keys are ignored, a line by a known key that does not verify is named. */
export const verifyCosignatures = (
  body: string,
  signatureLines: readonly string[],
  cosigners: readonly Cosigner[],
): E.Either<string, VerifiedCosignature[]> => {
  const verified: VerifiedCosignature[] = [];
  for (const line of signatureLines) {
    const [name = '', base64 = ''] = line.startsWith(SIG_PREFIX) ? line.slice(2).split(' ') : [];
    const bytes = decodeBase64(base64);
    if (bytes === undefined || bytes.length < 4) continue;
    const keyHash = toHex(bytes.subarray(0, 4));
    const cosigner = cosigners.find(
      (c) => c.name === name && toHex(cosignerKeyHash(c.name, c.rawPublicKey)) === keyHash,
    );
    if (cosigner === undefined) continue;
    const timestamp = cosignatureTimestamp(bytes);
    const message = timestamp === undefined ? undefined : cosignatureMessage(body, timestamp);
    if (
      timestamp === undefined ||
      message === undefined ||
      !verifyEd25519(cosigner.rawPublicKey, message, bytes.subarray(12))
    )
      return E.left(`the cosignature of ${name}+${keyHash} does not verify`);
    if (!verified.some((v) => v.name === name && v.keyHash === keyHash))
      verified.push({ name, keyHash, timestamp });
  }
  return E.right(verified);
};
