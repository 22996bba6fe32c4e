import * as crypto from 'node:crypto';

export type Hash = Uint8Array;

// crypto.hash (Node 20.12+) hashes one buffer without a Hash object: several times cheaper for the
// short inputs a proof hashes by the hundred thousand (links, Merkle nodes, leaves).
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

const digest = (input: Uint8Array): Buffer =>
  oneShot ? oneShot('sha256', input, 'buffer') : crypto.createHash('sha256').update(input).digest();

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
};

/** SHA-256 of the parts, in order. */
export const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const out = digest(concat(parts));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};

const pair = new Uint8Array(65);

/** SHA-256 of one prefix byte and two hashes (chain links and Merkle nodes): through one buffer
 * kept for it, since hashing copies its input. */
export const sha256OfPair = (prefix: number, left: Hash, right: Hash): Hash => {
  if (left.length !== 32 || right.length !== 32) return sha256(Uint8Array.of(prefix), left, right);
  pair[0] = prefix;
  pair.set(left, 1);
  pair.set(right, 33);
  return sha256(pair);
};

/** SHA-256 of the UTF-8 bytes of one byte `prefix` followed by `text`. */
export const sha256OfPrefixedText = (prefix: number, text: string): Hash => {
  const bytes = Buffer.allocUnsafe(1 + Buffer.byteLength(text, 'utf8'));
  bytes[0] = prefix;
  bytes.write(text, 1, 'utf8');
  return sha256(bytes);
};

export const toHex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export const fromHex = (hex: string): Hash => new Uint8Array(Buffer.from(hex, 'hex'));
