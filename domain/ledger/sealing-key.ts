import type { Signer } from '../ports/signing-keys.js';

/** The signing key is not one of the operator's key set (the public keys its seals are verified
 * with): a seal it made would fail every verification that uses that key set. */
export type SealingKeyNotInKeySet = {
  readonly kind: 'sealing_key_not_in_key_set';
  readonly key_id: string;
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * The rule for appending to a tenant's ledger: a seal is made only under a key the key set holds,
 * by key_id and by the public key itself. The key set is what `aos proof` and `verify-all` verify
 * seals with, so a seal under any other key could only ever fail them; it is refused before
 * anything is appended (before the run is created, when the CLI checks its keys first). Null when
 * the key set holds the signer's key.
 */
export const sealingKeyProblem = (
  signer: Pick<Signer, 'keyId' | 'publicKey'>,
  keySet: ReadonlyMap<string, Uint8Array>,
): SealingKeyNotInKeySet | null => {
  const held = keySet.get(signer.keyId);
  return held !== undefined && sameBytes(held, signer.publicKey)
    ? null
    : { kind: 'sealing_key_not_in_key_set', key_id: signer.keyId };
};
