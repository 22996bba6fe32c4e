import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

export const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const HEX_64 = /^[0-9a-f]{64}$/;
export const isHashHex = (text: string): boolean => HEX_64.test(text);
export const fromHex = (hex: string): Hash => new Uint8Array(Buffer.from(hex, 'hex'));
