import * as E from 'fp-ts/lib/Either.js';
import { sha256, toHex } from '../proof/sha256.js';
import type { TsaCertificate } from './tsa-certificate.js';
import { parseTimestampToken, type TimestampToken } from './timestamp-token.js';
import { messageDigests, namesCertificate, signatureVerifies, signerName } from './timestamp-signer.js';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';

/** What a time stamp token says: when (genTime, RFC 3339), under which TSA policy, its serial. */
export type TimestampFacts = {
  readonly gen_time: string;
  readonly policy: string;
  readonly serial_number: string;
};

/** A check that failed: the token's field at fault, why, what it should be and what it is. */
export type TimestampFailure = {
  readonly field: string;
  readonly reason: string;
  readonly expected: string | null;
  readonly actual: string | null;
};

const failure = (
  field: string,
  reason: string,
  expected: string | null = null,
  actual: string | null = null,
) => E.left<TimestampFailure, never>({ field, reason, expected, actual });

/** An opened token: parsed, and over the signature it was checked against. */
export type OpenedTimestamp = { readonly token: TimestampToken; readonly facts: TimestampFacts };

/** The token parses (RFC 3161, @peculiar/asn1-tsp) and time-stamps `signature`: its message
 * imprint is SHA-256 of those bytes. All that can be said of it without trusting a TSA. */
export const openTimestampToken = (
  der: Uint8Array,
  signature: Uint8Array,
): E.Either<TimestampFailure, OpenedTimestamp> => {
  const token = parseTimestampToken(der);
  if (E.isLeft(token)) return failure('token', `the time stamp token is not RFC 3161: ${token.left}`);
  const imprint = token.right.tstInfo.messageImprint;
  if (imprint.hashAlgorithm.algorithm !== SHA256_OID)
    return failure(
      'message_imprint',
      'the message imprint is not SHA-256',
      SHA256_OID,
      imprint.hashAlgorithm.algorithm,
    );
  const expected = toHex(sha256(signature));
  const actual = toHex(new Uint8Array(imprint.hashedMessage.buffer));
  if (actual !== expected)
    return failure(
      'message_imprint',
      'the time stamp is over other bytes than the seal signature',
      expected,
      actual,
    );
  const tst = token.right.tstInfo;
  return E.right({
    token: token.right,
    facts: {
      gen_time: tst.genTime.toISOString(),
      policy: tst.policy,
      serial_number: toHex(new Uint8Array(tst.serialNumber)),
    },
  });
};

/** The opened token was signed by the pinned TSA certificate: its signer names the certificate,
 * the signed digest is the TSTInfo's, the signature verifies with the certificate's key, and the
 * time it states falls within the certificate's validity. */
export const checkTimestampSigner = (
  opened: OpenedTimestamp,
  certificate: TsaCertificate,
): E.Either<TimestampFailure, TimestampFacts> => {
  const { token, facts } = opened;
  if (!namesCertificate(token.signer, certificate))
    return failure(
      'tsa_certificate',
      'the token was signed by another TSA certificate than the trusted one',
      certificate.subject,
      signerName(token.signer),
    );
  const digests = messageDigests(token);
  if (digests.computed === null || digests.signed !== digests.computed)
    return failure(
      'message_digest',
      "the signed digest is not the TSTInfo's",
      digests.computed,
      digests.signed,
    );
  if (!signatureVerifies(token, certificate))
    return failure('signature', "the token's signature does not verify with the TSA certificate");
  const time = token.tstInfo.genTime.getTime();
  if (time < certificate.validFrom.getTime() || time > certificate.validTo.getTime())
    return failure(
      'gen_time',
      'the time stamp is outside the validity of the TSA certificate',
      `${certificate.validFrom.toISOString()}..${certificate.validTo.toISOString()}`,
      facts.gen_time,
    );
  return E.right(facts);
};
