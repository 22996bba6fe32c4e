import { generateKeyPairSync, sign } from 'node:crypto';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { rawPublicKey, runproofKeyId } from '../../domain/proof/ed25519-keys.js';

/** A fresh Ed25519 signing key in memory (no key directory), and the known keys that verify it. */
export const testSigner = (): { signer: Signer; knownKeys: ReadonlyMap<string, Uint8Array> } => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(privateKey);
  if (raw._tag === 'Left') throw new Error(raw.left.message);
  const signer: Signer = {
    keyId: runproofKeyId(raw.right),
    publicKey: raw.right,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
    signNote: () => {
      throw new Error('the test signer signs seals only');
    },
  };
  return { signer, knownKeys: new Map([[signer.keyId, raw.right]]) };
};
