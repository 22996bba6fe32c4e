import { describe, expect, it } from 'vitest';
import { runproofKeyId, signEd25519, verifyEd25519 } from '../../domain/proof/ed25519-keys.js';
import { sha256, toHex } from '../../domain/proof/sha256.js';
import { enoch, peter, peterPrivate } from './signed-note-fixtures.js';

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
