import { randomBytes, randomUUID } from 'node:crypto';
import type { IdGenerator } from '../domain/ports/id-generator.js';

export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** `n` bytes from the operating system's cryptographic random source. */
export const randomSecretBytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
