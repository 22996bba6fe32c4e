import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { copyOf, generateTestKey, sampleBundle } from './sample-bundle.js';

/** What docs/RUNPROOF-FORMAT.md says of a pinned key: it vouches only as one of the bundle's
 * public_keys; pinning chooses which of them to trust, it adds no key. */
describe('a pinned key and the bundle public_keys', () => {
  const key = generateTestKey();
  const bundle = sampleBundle(key);

  it('verifies when the pinned key is listed', () => {
    expect(verifyBundle(bundle, key.raw).integrity.verification_status).toBe('VERIFIED');
  });

  it('is FAILED when the pinned key is not listed, though it signed the seal and the tree head', () => {
    const unlisted = { ...copyOf(bundle), public_keys: [] };
    expect(verifyBundle(unlisted, key.raw).integrity).toMatchObject({
      verification_status: 'FAILED',
      failure_reason: 'the trusted public key is not the key of this bundle',
      divergence: { source: 'bundle', field: 'public_keys', expected: key.keyId, actual: '' },
    });
  });

  it('is FAILED when only another pinned key is listed: the seal key is then not trusted', () => {
    const other = generateTestKey();
    const listed = copyOf(bundle);
    listed.public_keys = [
      { key_id: other.keyId, algorithm: 'Ed25519', public_key: Buffer.from(other.raw).toString('base64') },
    ];
    expect(verifyBundle(listed, [key.raw, other.raw]).integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { field: 'checkpoint.key_id', actual: key.keyId },
    });
  });
});
