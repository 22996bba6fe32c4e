import * as crypto from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';

const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** A TSA certificate an auditor pins (`aos verify --tsa-cert`): its key, who issued it and its
 * serial (how a token's signer names it), and when it is valid. */
export type TsaCertificate = {
  readonly publicKey: crypto.KeyObject;
  readonly issuerDer: Uint8Array;
  readonly serialNumber: Uint8Array;
  readonly subjectKeyIdentifier: Uint8Array | null;
  readonly subject: string;
  readonly validFrom: Date;
  readonly validTo: Date;
};

const subjectKeyIdentifier = (certificate: Certificate): Uint8Array | null => {
  const extension = certificate.tbsCertificate.extensions?.find(
    (e) => e.extnID === id_ce_subjectKeyIdentifier,
  );
  if (extension === undefined) return null;
  return new Uint8Array(AsnConvert.parse(extension.extnValue, SubjectKeyIdentifier).buffer);
};

/** A certificate (PEM or DER) that may sign time stamps: its extended key usage names
 * id-kp-timeStamping (RFC 3161 section 2.3), or why it cannot be used. */
export const parseTsaCertificate = (bytes: Uint8Array): E.Either<string, TsaCertificate> =>
  E.tryCatch(
    () => {
      const x509 = new crypto.X509Certificate(bytes);
      if (!(x509.keyUsage ?? []).includes(ID_KP_TIME_STAMPING))
        throw new Error('its extended key usage does not name timeStamping');
      const certificate = AsnConvert.parse(x509.raw, Certificate);
      return {
        publicKey: x509.publicKey,
        issuerDer: new Uint8Array(AsnConvert.serialize(certificate.tbsCertificate.issuer)),
        serialNumber: new Uint8Array(certificate.tbsCertificate.serialNumber),
        subjectKeyIdentifier: subjectKeyIdentifier(certificate),
        subject: x509.subject,
        validFrom: new Date(x509.validFrom),
        validTo: new Date(x509.validTo),
      };
    },
    (error) => `not a TSA certificate: ${error instanceof Error ? error.message : String(error)}`,
  );
