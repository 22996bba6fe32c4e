import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decodeBase64 } from '../json/canonical-base64.js';
import {
  checkTimestampSigner,
  openTimestampToken,
  type TimestampFacts,
  type TimestampFailure,
} from '../timestamp/timestamp-check.js';
import type { TsaCertificate } from '../timestamp/tsa-certificate.js';
import type { BundleVerdict } from './bundle-verification.js';

/** What the verifier found of the seal's RFC 3161 time stamp: `verified` against the pinned TSA
 * certificate, `not_checked` (it parses and is over the seal's signature, but no TSA certificate
 * was given to check who signed it), `absent`, or `failed`; the time it states when it parses. */
export type SealTimestampReport = {
  readonly status: 'verified' | 'not_checked' | 'absent' | 'failed';
  readonly gen_time: string | null;
  readonly policy: string | null;
  readonly serial_number: string | null;
  /** The subject of the trusted TSA certificate, when one was given. */
  readonly tsa: string | null;
};

export type TimestampVerdict<V extends BundleVerdict = BundleVerdict> = V & {
  readonly seal_timestamp: SealTimestampReport;
};

/** Only the seal's signature and its time stamp (the rest was decoded by verifyBundle). */
const StampOfBundleC = t.partial({
  signature: t.union([t.string, t.null]),
  seal_timestamp: t.type({ token: t.string }),
});

const report = (
  status: SealTimestampReport['status'],
  facts: TimestampFacts | null,
  tsa: TsaCertificate | null,
): SealTimestampReport => ({
  status,
  gen_time: facts?.gen_time ?? null,
  policy: facts?.policy ?? null,
  serial_number: facts?.serial_number ?? null,
  tsa: tsa?.subject ?? null,
});

const failedWith = <V extends BundleVerdict>(
  verdict: V,
  failure: TimestampFailure,
  seal_timestamp: SealTimestampReport,
): TimestampVerdict<V> =>
  verdict.integrity.verification_status !== 'VERIFIED'
    ? { ...verdict, seal_timestamp }
    : {
        ...verdict,
        seal_timestamp,
        integrity: {
          ...verdict.integrity,
          verification_status: 'FAILED',
          failure_reason: failure.reason,
          divergence: {
            source: 'checkpoint',
            seq: null,
            field: failure.field === '' ? 'seal_timestamp' : `seal_timestamp.${failure.field}`,
            expected: failure.expected,
            actual: failure.actual,
          },
        },
      };

/** A bundle's verdict with its seal's time stamp checked (section 9, step 11): a token that does
 * not parse, is not over the seal's signature, or (with a TSA certificate pinned) was not signed
 * by that certificate fails a VERIFIED bundle; so does no token when a TSA certificate is pinned.
 * Without a pinned certificate a token that parses and is over the signature is `not_checked`. */
export const applySealTimestamp = <V extends BundleVerdict>(
  document: unknown,
  verdict: V,
  tsa: TsaCertificate | null,
): TimestampVerdict<V> => {
  const decoded = StampOfBundleC.decode(document);
  const stamp = E.isRight(decoded) ? decoded.right : {};
  if (stamp.seal_timestamp === undefined)
    return tsa === null
      ? { ...verdict, seal_timestamp: report('absent', null, tsa) }
      : failedWith(
          verdict,
          {
            field: '',
            reason: 'the bundle carries no time stamp of its seal, and a TSA certificate was given',
            expected: 'present',
            actual: null,
          },
          report('absent', null, tsa),
        );
  const signature = decodeBase64(stamp.signature ?? '') ?? new Uint8Array();
  const opened = openTimestampToken(decodeBase64(stamp.seal_timestamp.token) ?? new Uint8Array(), signature);
  if (E.isLeft(opened)) return failedWith(verdict, opened.left, report('failed', null, tsa));
  if (tsa === null) return { ...verdict, seal_timestamp: report('not_checked', opened.right.facts, tsa) };
  const checked = checkTimestampSigner(opened.right, tsa);
  return E.isLeft(checked)
    ? failedWith(verdict, checked.left, report('failed', opened.right.facts, tsa))
    : { ...verdict, seal_timestamp: report('verified', checked.right, tsa) };
};
