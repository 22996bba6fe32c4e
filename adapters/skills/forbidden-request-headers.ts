/** Request headers a plan may not give http_call, because what would be sent is not what the plan
 * records. They are the names of the Fetch standard's forbidden request-header list that undici's
 * fetch does not send as written: it puts its own Host, Connection and Sec-Fetch-Mode in their
 * place, and refuses the others at the call. The rest of that list (Cookie, Origin, Referer, TE,
 * Via, other Proxy-* and Sec-* names...) is sent as written, so it stays allowed: a Cookie of
 * secret references is a supported use (domain/secrets/literal-credentials.ts).
 * test/skills/http-call-headers.int.spec.ts sends the whole list and checks both halves. */
const NOT_SENT_AS_WRITTEN: ReadonlyMap<string, string> = new Map([
  ['host', "the Host header is the url's host and port; call that url instead"],
  ['connection', 'the client manages its connections itself'],
  ['keep-alive', 'the client manages its connections itself'],
  ['upgrade', 'http_call makes plain requests; a connection is never upgraded'],
  ['content-length', 'the length is that of the body'],
  ['transfer-encoding', 'the client frames the body itself'],
  ['expect', 'the client does not support Expect'],
  ['sec-fetch-mode', 'the client sets its own request mode there'],
]);

/** Names the headers refused here, lowercase (docs and tests). */
export const headersNotSentAsWritten: readonly string[] = [...NOT_SENT_AS_WRITTEN.keys()];

/** Why a plan may not set this request header, or null when it is sent as written. */
export const forbiddenHeaderReason = (name: string): string | null => {
  const reason = NOT_SENT_AS_WRITTEN.get(name.toLowerCase());
  return reason === undefined
    ? null
    : `${name} cannot be set by a plan (it would not be sent as recorded): ${reason}`;
};
