import { createSHA256 } from 'hash-wasm';
import { sha256Twin } from './sha256-twin.js';

// domain/proof/sha256.ts for the verifying worker (console/verify-worker.ts): the same functions
// over hash-wasm's WebAssembly SHA-256, put in its place by the console's build
// (scripts/bundle-console.mjs), so that the page verifies with the domain's one verification logic.
// The page itself (a few hashes: keys, a ledger's consistency) keeps browser-sha256.ts, and
// loads no WebAssembly before its first paint.

export type { Hash } from './sha256-twin.js';

// SHA-256 in WebAssembly (hash-wasm): on the short inputs a run's proof hashes by the hundred
// thousand (links, Merkle nodes, leaves) about twice as fast as @noble/hashes' JavaScript, and
// synchronous once compiled (here, before the module's first use: the page allows
// 'wasm-unsafe-eval', server/console/security-headers.ts). The worker keeps the page's messages
// that come meanwhile (worker-inbox.ts).
const hasher = await createSHA256();

export const { sha256, sha256OfPair, sha256OfPrefixedText, toHex, fromHex } = sha256Twin((parts) => {
  hasher.init();
  for (const part of parts) hasher.update(part);
  return hasher.digest('binary');
});
