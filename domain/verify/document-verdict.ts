import * as E from 'fp-ts/lib/Either.js';
import type { BundleTrust } from '../bundle/bundle-verification.js';
import { bundleDivergence } from '../bundle/bundle-divergence.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import { runproofKeyId } from '../proof/ed25519-keys.js';
import type { Divergence } from '../proof/run-verification.js';

/** The verdict on a document `aos` printed (an inclusion proof, a consistency proof), offline. */
export type DocumentVerdict = {
  readonly verification_status: 'VERIFIED' | 'FAILED' | 'UNSEALED';
  readonly tenant_id: string | null;
  /** `pinned`: checked against keys the auditor gave; `embedded`: the document's own keys. */
  readonly key_trust: 'pinned' | 'embedded';
  /** The key ids that signed what the verdict rests on (when it got that far). */
  readonly signed_by: readonly string[];
  readonly failure_reason: string | null;
  readonly divergence: Divergence | null;
};

/** A check that failed: why and where. */
export type DocumentFailure = {
  readonly reason: string;
  readonly divergence: Divergence;
  readonly status?: 'UNSEALED';
};

export const documentFailure = (
  reason: string,
  field: string,
  expected: string | number | null,
  actual: string | number | null,
  source: Divergence['source'] = 'bundle',
): DocumentFailure => ({ reason, divergence: { ...bundleDivergence(field, expected, actual), source } });

/** The first decoding problem of a document, naming the field. */
export const malformedDocument = (errors: Parameters<typeof describeDecodeErrors>[0]): DocumentFailure => {
  const problem = describeDecodeErrors(errors)[0] ?? 'not a document';
  const field = problem.split(':')[0] ?? 'document';
  return documentFailure(`the document is malformed: ${problem}`, field, 'a valid field', problem);
};

type ListedKey = { readonly key_id: string; readonly public_key: string };

/** The keys a document's verdict may rest on: those the auditor trusts (none is a failure naming
 * the document's keys), or, when the auditor said `--trust-embedded-key`, the document's own keys,
 * each of which must match its key_id. */
export const documentKeys = (
  listed: readonly ListedKey[],
  trust: BundleTrust,
): E.Either<DocumentFailure, Map<string, Uint8Array>> => {
  const keys = new Map<string, Uint8Array>();
  for (const [i, key] of listed.entries()) {
    const raw = new Uint8Array(Buffer.from(key.public_key, 'base64'));
    if (runproofKeyId(raw) !== key.key_id)
      return E.left(
        documentFailure(
          'a public key does not match its key_id',
          `public_keys.${i}.key_id`,
          runproofKeyId(raw),
          key.key_id,
        ),
      );
    if (trust === 'embedded') keys.set(key.key_id, raw);
  }
  if (trust === 'embedded') return E.right(keys);
  const pinned = trust instanceof Uint8Array ? [trust] : trust;
  if (pinned.length === 0) {
    const ids = listed.map((k) => k.key_id).join(',');
    return E.left(
      documentFailure(
        `no key is trusted: the document is signed by key ${ids}, which only the document itself vouches for`,
        'public_keys',
        'a key trusted by the auditor',
        ids,
      ),
    );
  }
  return E.right(new Map(pinned.map((raw) => [runproofKeyId(raw), raw])));
};

/** The verdict from the first failure, or VERIFIED. */
export const documentVerdict = (
  base: Pick<DocumentVerdict, 'tenant_id' | 'key_trust' | 'signed_by'>,
  failure: DocumentFailure | null,
): DocumentVerdict =>
  failure === null
    ? { ...base, verification_status: 'VERIFIED', failure_reason: null, divergence: null }
    : {
        ...base,
        verification_status: failure.status ?? 'FAILED',
        failure_reason: failure.reason,
        divergence: failure.divergence,
      };
