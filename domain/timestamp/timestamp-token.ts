import * as E from 'fp-ts/lib/Either.js';
import { Attribute, ContentInfo, SignedData, id_signedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnArray, AsnConvert, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { TSTInfo, id_ct_tstInfo } from '@peculiar/asn1-tsp';

/** The DER SET OF Attribute a CMS signer signs (RFC 5652 section 5.4: the signed attributes are
 * signed as a SET, not with the [0] IMPLICIT tag they are carried under). */
class SignedAttributeSet extends AsnArray<Attribute> {}
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(SignedAttributeSet);

/** An RFC 3161 TimeStampToken, parsed: what its TSA said (TSTInfo, and its DER bytes, which the
 * signer's message digest covers) and the one signer that signed it. */
export type TimestampToken = {
  readonly tstInfo: TSTInfo;
  readonly tstInfoDer: Uint8Array;
  readonly signer: SignerInfo;
  /** The signed attributes as the DER SET the signature covers. */
  readonly signedAttributesDer: Uint8Array;
};

const parsed = <T>(work: () => T, what: string): E.Either<string, T> =>
  E.tryCatch(
    work,
    (error) => `${what} does not parse (${error instanceof Error ? error.message : String(error)})`,
  );

const signedDataOf = (der: Uint8Array): E.Either<string, SignedData> => {
  const info = parsed(() => AsnConvert.parse(der, ContentInfo), 'the ContentInfo');
  if (E.isLeft(info)) return info;
  if (info.right.contentType !== id_signedData)
    return E.left(`the ContentInfo is ${info.right.contentType}, not CMS SignedData`);
  return parsed(() => AsnConvert.parse(info.right.content, SignedData), 'the SignedData');
};

/** An RFC 3161 TimeStampToken (DER ContentInfo of CMS SignedData over a TSTInfo) parsed with
 * @peculiar/asn1-tsp, or why it is not one. Nothing is checked but its shape: one signer, signed
 * attributes, a TSTInfo as the encapsulated content. */
export const parseTimestampToken = (der: Uint8Array): E.Either<string, TimestampToken> => {
  const signed = signedDataOf(der);
  if (E.isLeft(signed)) return signed;
  const content = signed.right.encapContentInfo;
  if (content.eContentType !== id_ct_tstInfo)
    return E.left(`the signed content is ${content.eContentType}, not a TSTInfo`);
  const single = content.eContent?.single;
  if (single === undefined) return E.left('the token carries no TSTInfo');
  const tstInfoDer = new Uint8Array(single.buffer);
  const tstInfo = parsed(() => AsnConvert.parse(tstInfoDer, TSTInfo), 'the TSTInfo');
  if (E.isLeft(tstInfo)) return tstInfo;
  if (signed.right.signerInfos.length !== 1)
    return E.left(`the token has ${signed.right.signerInfos.length} signers, not 1`);
  const signer = signed.right.signerInfos[0]!;
  if (signer.signedAttrs === undefined) return E.left('the signer has no signed attributes');
  const attributes = new SignedAttributeSet(signer.signedAttrs);
  return E.right({
    tstInfo: tstInfo.right,
    tstInfoDer,
    signer,
    signedAttributesDer: new Uint8Array(AsnConvert.serialize(attributes)),
  });
};
