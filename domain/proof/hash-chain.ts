import { canonicalJson, utf8 } from '../json/canonical-json.js';
import { sha256, sha256OfPair, type Hash } from './sha256.js';

const GENESIS_TAG = utf8('aos.runproof.v1.genesis');
const SEPARATOR = new Uint8Array([0x00]);
const NODE_PREFIX = 0x01;

/** genesis = H("aos.runproof.v1.genesis" || 0x00 || JCS({run_id, tenant_id})) */
export const genesisLink = (tenantId: string, runId: string): Hash =>
  sha256(GENESIS_TAG, SEPARATOR, utf8(canonicalJson({ run_id: runId, tenant_id: tenantId })));

/** link[i] = H(0x01 || link[i-1] || leaf_hash(e_i)) */
export const nextLink = (previous: Hash, leaf: Hash): Hash => sha256OfPair(NODE_PREFIX, previous, leaf);
