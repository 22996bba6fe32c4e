import * as crypto from 'node:crypto';
import { MessageDigest, id_messageDigest, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { TsaCertificate } from './tsa-certificate.js';
import type { TimestampToken } from './timestamp-token.js';

/** The hash functions a TSA's signer may digest with, by OID. */
const HASHES: ReadonlyMap<string, string> = new Map([
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

const hex = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(new Uint8Array(bytes)).toString('hex');

/** Whether the token's signer identifier names this certificate (issuer and serial, or its
 * subject key identifier). */
export const namesCertificate = (signer: SignerInfo, certificate: TsaCertificate): boolean => {
  const byIssuer = signer.sid.issuerAndSerialNumber;
  if (byIssuer !== undefined)
    return (
      sameBytes(new Uint8Array(AsnConvert.serialize(byIssuer.issuer)), certificate.issuerDer) &&
      sameBytes(new Uint8Array(byIssuer.serialNumber), certificate.serialNumber)
    );
  const byKey = signer.sid.subjectKeyIdentifier;
  return (
    byKey !== undefined &&
    certificate.subjectKeyIdentifier !== null &&
    sameBytes(new Uint8Array(byKey.buffer), certificate.subjectKeyIdentifier)
  );
};

/** The signer identifier, as a report shows it. */
export const signerName = (signer: SignerInfo): string => {
  const byIssuer = signer.sid.issuerAndSerialNumber;
  if (byIssuer !== undefined) return `serial ${hex(byIssuer.serialNumber)}`;
  const byKey = signer.sid.subjectKeyIdentifier;
  return byKey === undefined ? 'no signer id' : `key id ${hex(byKey.buffer)}`;
};

/** The TSTInfo digest the signer signed (the messageDigest attribute), and the one recomputed
 * with the signer's digest algorithm; null for an algorithm not supported or no such attribute. */
export const messageDigests = (
  token: TimestampToken,
): { readonly signed: string | null; readonly computed: string | null } => {
  const hashName = HASHES.get(token.signer.digestAlgorithm.algorithm);
  const attribute = (token.signer.signedAttrs ?? []).find((a) => a.attrType === id_messageDigest);
  const value = attribute?.attrValues[0];
  return {
    signed: value === undefined ? null : hex(AsnConvert.parse(value, MessageDigest).buffer),
    computed:
      hashName === undefined ? null : crypto.createHash(hashName).update(token.tstInfoDer).digest('hex'),
  };
};

/** Whether the certificate's key signed the token's signed attributes (RSA PKCS#1 v1.5 or ECDSA,
 * with the signer's digest algorithm). */
export const signatureVerifies = (token: TimestampToken, certificate: TsaCertificate): boolean => {
  const hashName = HASHES.get(token.signer.digestAlgorithm.algorithm);
  if (hashName === undefined) return false;
  try {
    return crypto.verify(
      hashName,
      token.signedAttributesDer,
      certificate.publicKey,
      new Uint8Array(token.signer.signature.buffer),
    );
  } catch {
    return false;
  }
};
