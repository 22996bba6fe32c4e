import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, PKIStatus, TimeStampReq, TimeStampResp } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { TimestampAuthority } from '../../application/ports/timestamp-authority.js';
import { parseTimestampToken } from '../../domain/timestamp/timestamp-token.js';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';

/** A DER TimeStampReq (RFC 3161 section 2.4.1) over a SHA-256 imprint, asking for the TSA's
 * certificate in the token, with a random nonce. */
const timestampRequest = (imprint: Uint8Array, nonce: Uint8Array): Uint8Array =>
  new Uint8Array(
    AsnConvert.serialize(
      new TimeStampReq({
        messageImprint: new MessageImprint({
          hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_OID, parameters: null }),
          hashedMessage: new OctetString(imprint),
        }),
        nonce: nonce.buffer.slice(nonce.byteOffset, nonce.byteOffset + nonce.byteLength) as ArrayBuffer,
        certReq: true,
      }),
    ),
  );

const sameNonce = (a: ArrayBuffer | undefined, b: Uint8Array): boolean =>
  a !== undefined &&
  BigInt(`0x${Buffer.from(a).toString('hex') || '0'}`) === BigInt(`0x${Buffer.from(b).toString('hex')}`);

/** The token of a TimeStampResp answering `nonce`, or why there is none. */
const tokenOf = (reply: Uint8Array, nonce: Uint8Array): E.Either<string, Uint8Array> => {
  const response = E.tryCatch(
    () => AsnConvert.parse(reply, TimeStampResp),
    () => 'the answer is not a TimeStampResp',
  );
  if (E.isLeft(response)) return response;
  const { status, timeStampToken } = response.right;
  if (status.status !== PKIStatus.granted && status.status !== PKIStatus.grantedWithMods)
    return E.left(`the TSA did not grant a time stamp (status ${status.status})`);
  if (timeStampToken === undefined) return E.left('the TSA granted a time stamp but sent no token');
  const token = new Uint8Array(AsnConvert.serialize(timeStampToken));
  const parsed = parseTimestampToken(token);
  if (E.isLeft(parsed)) return parsed;
  return sameNonce(parsed.right.tstInfo.nonce, nonce)
    ? E.right(token)
    : E.left('the token does not answer this request (its nonce differs)');
};

/** RFC 3161 over HTTP (section 3.4): POST an application/timestamp-query to the TSA's URL, given
 * up after `timeoutMs`. A TSA that does not answer in time is unreachable. */
export const httpTimestampAuthority =
  (url: string, timeoutMs: number): TimestampAuthority =>
  async (imprint) => {
    const nonce = randomBytes(8);
    nonce[0] = (nonce[0]! & 0x7f) | 0x01; // a positive INTEGER without a leading zero byte
    let reply: Uint8Array;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: timestampRequest(imprint, nonce),
        headers: { 'content-type': 'application/timestamp-query' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      reply = new Uint8Array(await response.arrayBuffer());
      if (!response.ok)
        return { ok: false, error: { kind: 'tsa_refused', message: `HTTP ${response.status}` } };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const message = cause ?? (error instanceof Error ? error.message : String(error));
      return { ok: false, error: { kind: 'tsa_unreachable', message } };
    }
    const token = tokenOf(reply, nonce);
    return E.isLeft(token)
      ? { ok: false, error: { kind: 'tsa_refused', message: token.left } }
      : { ok: true, token: token.right };
  };
