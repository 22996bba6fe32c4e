import { verifyBundle, type BundleVerdict } from '../../domain/bundle/bundle-verification.js';

/** The run's bundle verified in the page, by the domain's own verification (chain links, Merkle
 * root, the seal's Ed25519 signature, the RFC 9162 inclusion in the tenant ledger's signed tree
 * head) against the keys the reader pinned, never the bundle's own. */
export const verifyInPage = (bundle: unknown, pinned: readonly Uint8Array[]): BundleVerdict =>
  verifyBundle(bundle, pinned);
