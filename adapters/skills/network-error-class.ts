/** Connection-level failures that say nothing about the request itself: the peer was down,
 * restarting or overloaded, or the path to it flapped. Not in here, so not retried: a name that
 * does not exist (ENOTFOUND), TLS and certificate errors, malformed requests. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET', // undici's "other side closed": a socket hang up
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const NETWORK_CODE = /^[A-Z][A-Z0-9_]*$/;

/** ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET...: from the error, its cause, or the cause's first error. */
const networkCode = (error: unknown): string => {
  const codeOf = (value: unknown): string | null => {
    const code = typeof value === 'object' && value !== null && 'code' in value ? value.code : undefined;
    return typeof code === 'string' && NETWORK_CODE.test(code) ? code : null;
  };
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const inner =
    typeof cause === 'object' && cause !== null && 'errors' in cause && Array.isArray(cause.errors)
      ? (cause.errors as unknown[])[0]
      : undefined;
  return codeOf(error) ?? codeOf(cause) ?? codeOf(inner) ?? 'NETWORK_ERROR';
};

/** A call that failed below HTTP: its code (NETWORK_ERROR when none is found) and whether the
 * same call may succeed if made again. */
export const classifyNetworkError = (
  error: unknown,
): { readonly code: string; readonly retryable: boolean } => {
  const code = networkCode(error);
  return { code, retryable: TRANSIENT_NETWORK_CODES.has(code) };
};
