/** How an HTTP status reads as a step outcome. */
export type HttpStatusClass = {
  readonly category: string;
  readonly code: string;
  readonly ok: boolean;
  readonly retryable: boolean;
};

/** 2xx success; 3xx redirect (reported, not followed); 429 rate_limited; other 4xx client_error;
 * 5xx server_error. Retryable: 408 (the server gave up waiting), 429 and every 5xx. */
export const classifyHttpStatus = (status: number): HttpStatusClass => {
  const code = `HTTP_${status}`;
  if (status >= 200 && status < 300) return { category: 'success', code, ok: true, retryable: false };
  if (status >= 300 && status < 400) return { category: 'redirect', code, ok: false, retryable: false };
  if (status === 429) return { category: 'rate_limited', code, ok: false, retryable: true };
  if (status >= 400 && status < 500)
    return { category: 'client_error', code, ok: false, retryable: status === 408 };
  return { category: 'server_error', code, ok: false, retryable: true };
};
