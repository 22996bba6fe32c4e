/** Why a TSA gave no token: not reached (or no answer in time), or it answered without one. */
export type TsaError = { readonly kind: 'tsa_unreachable' | 'tsa_refused'; readonly message: string };

/** An RFC 3161 time-stamping authority: asked for a token over a SHA-256 message imprint, it
 * answers with the DER TimeStampToken (the granted response's token), or why it did not. */
export type TimestampAuthority = (
  imprint: Uint8Array,
) => Promise<
  { readonly ok: true; readonly token: Uint8Array } | { readonly ok: false; readonly error: TsaError }
>;
