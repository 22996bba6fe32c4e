import { sha256, sha256OfPrefixedText, type Hash } from './sha256.js';

/** What RunProof v1 hashes of one event. `dataCanonical` is JCS(data) as stored. */
export type LeafInput = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly seq: number;
  readonly type: string;
  readonly dataCanonical: string;
  readonly recorded_at: string;
};

/**
 * JCS({v, tenant_id, run_id, seq, type, data, recorded_at}) built from the stored canonical
 * bytes of `data`: the envelope's keys in JCS order are data, recorded_at, run_id, seq,
 * tenant_id, type, v, so splicing JCS(data) in place is the canonical form of the whole.
 */
export const leafText = (e: LeafInput): string =>
  `{"data":${e.dataCanonical},"recorded_at":${jcsString(e.recorded_at)},"run_id":${jcsString(e.run_id)},` +
  `"seq":${String(e.seq)},"tenant_id":${jcsString(e.tenant_id)},"type":${jcsString(e.type)},"v":1}`;

/** RFC 8785 serializes strings exactly as ECMAScript's JSON.stringify does (section 3.2.2.2). */
const jcsString = (text: string): string => JSON.stringify(text);

const LEAF_PREFIX_BYTE = 0x00;
const LEAF_PREFIX = new Uint8Array([LEAF_PREFIX_BYTE]);

export const leafHashOfBytes = (leafBytes: Uint8Array): Hash => sha256(LEAF_PREFIX, leafBytes);

export const leafHash = (e: LeafInput): Hash => sha256OfPrefixedText(LEAF_PREFIX_BYTE, leafText(e));
