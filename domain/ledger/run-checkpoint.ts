import * as t from 'io-ts';
import { intBetween, patternString } from '../json/bounded-codecs.js';
import { canonicalBase64 } from '../json/canonical-base64.js';
import { canonicalJson, utf8 } from '../json/canonical-json.js';
import { closedObject } from '../json/closed-object.js';
import { UTC_MILLIS_TIME } from '../ports/clock.js';
import { LateSealC } from './late-seal.js';

const HashHexC = patternString('HashHex', /^[0-9a-f]{64}$/, '64 lowercase hex digits');
export const KeyIdC = patternString('KeyId', /^[0-9a-f]{16}$/, '16 lowercase hex digits');
const TimestampC = patternString('Timestamp', UTC_MILLIS_TIME, 'an RFC 3339 UTC time with milliseconds');
export const SignatureC = canonicalBase64(
  'Ed25519Signature',
  64,
  'the canonical base64 of an Ed25519 signature (64 bytes)',
);

/** docs/RUNPROOF-FORMAT.md's signed checkpoint of a finished run: what the seal commits to.
 * `late` only on a seal made after the run's completion, by an operator (section 6). */
export const RunCheckpointC = closedObject(
  'RunCheckpoint',
  {
    v: t.literal(1),
    kind: t.literal('aos.runproof.checkpoint'),
    tenant_id: t.string,
    run_id: t.string,
    chain_length: intBetween(1, Number.MAX_SAFE_INTEGER),
    root_hash: HashHexC,
    merkle_root: HashHexC,
    sealed_at: TimestampC,
    key_id: KeyIdC,
  },
  { late: LateSealC },
);
export type RunCheckpoint = t.TypeOf<typeof RunCheckpointC>;

/** The ledger's event for a seal: the checkpoint and the base64 Ed25519 signature of JCS(checkpoint). */
export const RunSealedC = closedObject('RunSealed', { checkpoint: RunCheckpointC, signature: SignatureC });
export type RunSealed = t.TypeOf<typeof RunSealedC>;

export const RUN_SEALED = 'RunSealed';

/** The bytes that are signed, and that are the tenant ledger's Merkle leaf: JCS(checkpoint). */
export const checkpointBytes = (checkpoint: RunCheckpoint): Uint8Array => utf8(canonicalJson(checkpoint));
