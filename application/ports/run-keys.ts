import type { Signer } from '../../domain/ports/signing-keys.js';

/** The keys a use case signs and verifies with: the active signer and every public key by key_id. */
export type RunKeys = { readonly signer: Signer; readonly knownKeys: ReadonlyMap<string, Uint8Array> };
