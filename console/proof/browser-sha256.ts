import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256Twin } from './sha256-twin.js';

// domain/proof/sha256.ts for the page: the same functions over @noble/hashes, put in its place by
// the console's build (scripts/bundle-console.mjs), so that the page verifies with the domain's one
// verification logic. The verifying worker has its own twin (worker-sha256.ts).

export type { Hash } from './sha256-twin.js';

export const { sha256, sha256OfPair, sha256OfPrefixedText, toHex, fromHex } = sha256Twin((parts) => {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const hasher = nobleSha256.create(); // fed part by part: no joined copy
  for (const part of parts) hasher.update(part);
  return hasher.digest();
});
