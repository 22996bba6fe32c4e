import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { checkTimestampSigner, openTimestampToken } from '../../domain/timestamp/timestamp-check.js';
import { parseTsaCertificate } from '../../domain/timestamp/tsa-certificate.js';
import { makeTsaPki, opensslToken } from '../support/local-tsa.js';

/** Tokens made by `openssl ts` (test/support/local-tsa.ts) with two throwaway TSAs, a and b. */
const vectors = JSON.parse(
  readFileSync(new URL('../vectors/rfc3161/tokens.json', import.meta.url), 'utf8'),
) as Record<
  | 'signature'
  | 'other_signature'
  | 'token'
  | 'other_token'
  | 'token_b'
  | 'tsa_cert_a'
  | 'tsa_cert_b'
  | 'ca_cert_a',
  string
>;

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
const cert = (pem: string) => {
  const parsed = parseTsaCertificate(new TextEncoder().encode(pem));
  if (E.isLeft(parsed)) throw new Error(parsed.left);
  return parsed.right;
};
const opened = (token: string, signature: string) => {
  const result = openTimestampToken(bytes(token), bytes(signature));
  if (E.isLeft(result)) throw new Error(result.left.reason);
  return result.right;
};
const leftOf = <L, R>(either: E.Either<L, R>): L => {
  if (E.isRight(either)) throw new Error('expected a failure');
  return either.left;
};

describe('RFC 3161 time stamp tokens over a seal signature', () => {
  it("verifies a token over the signature against its TSA's certificate, and says when", () => {
    const checked = checkTimestampSigner(opened(vectors.token, vectors.signature), cert(vectors.tsa_cert_a));
    expect(E.isRight(checked)).toBe(true);
    if (E.isRight(checked)) {
      expect(checked.right.gen_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(checked.right.policy).toBe('1.2.3.4.1');
    }
  });

  it('fails a token over another signature: field message_imprint, expected SHA-256 of the signature', () => {
    const failure = leftOf(openTimestampToken(bytes(vectors.other_token), bytes(vectors.signature)));
    expect(failure.field).toBe('message_imprint');
    expect(failure.expected).toBe(createHash('sha256').update(bytes(vectors.signature)).digest('hex'));
  });

  it('fails a token from another TSA certificate: field tsa_certificate', () => {
    const failure = leftOf(
      checkTimestampSigner(opened(vectors.token_b, vectors.signature), cert(vectors.tsa_cert_a)),
    );
    expect(failure.field).toBe('tsa_certificate');
    expect(failure.expected).toContain('vector-a TSA');
  });

  it('fails a token whose TSTInfo was edited (the signed digest no longer matches)', () => {
    const token = bytes(vectors.token);
    const genTime = Buffer.from(token).indexOf(Buffer.from('Z', 'latin1'), 60);
    const edited = new Uint8Array(token);
    edited[genTime - 1] = edited[genTime - 1] === 0x30 ? 0x31 : 0x30;
    const failure = leftOf(
      checkTimestampSigner(
        opened(Buffer.from(edited).toString('base64'), vectors.signature),
        cert(vectors.tsa_cert_a),
      ),
    );
    expect(failure.field).toBe('message_digest');
  });

  it('fails what is not a token (field token), and refuses a certificate that may not stamp time', () => {
    expect(
      leftOf(openTimestampToken(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), bytes(vectors.signature)))
        .field,
    ).toBe('token');
    expect(leftOf(parseTsaCertificate(new TextEncoder().encode(vectors.ca_cert_a)))).toContain(
      'timeStamping',
    );
  });

  it('verifies a token openssl ts makes now, with a TSA made now (the vectors are not a fluke)', async () => {
    const pki = await makeTsaPki('fresh');
    const signature = new Uint8Array(64).fill(7);
    const token = await opensslToken(pki, signature);
    const result = openTimestampToken(new Uint8Array(token), signature);
    if (E.isLeft(result)) throw new Error(result.left.reason);
    const tsaCert = cert(readFileSync(pki.tsaCert, 'utf8'));
    expect(E.isRight(checkTimestampSigner(result.right, tsaCert))).toBe(true);
    expect(leftOf(checkTimestampSigner(result.right, cert(vectors.tsa_cert_a))).field).toBe(
      'tsa_certificate',
    );
  });
});
