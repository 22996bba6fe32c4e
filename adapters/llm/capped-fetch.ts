import { readBodyCapped } from '../skills/capped-body.js';

/** What the one attempt of a call saw below the `openai` package: its errors keep neither the
 * text of an error body that is JSON (only its `error` field) nor the transport error behind a
 * connection timeout, and both are part of the failure this adapter reports. */
export type Exchange = {
  /** The body of the response, read within the cap; null until one is read. */
  body: Uint8Array | null;
  /** What fetch (or reading the body) threw, if it threw. */
  error: unknown;
};

export const newExchange = (): Exchange => ({ body: null, error: undefined });

/** The response body grew past the cap: the rest was not read. */
export class ResponseTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly status: number,
  ) {
    super(`the response body is larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Statuses whose response may not carry a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** The same response with its body already read: the headers that described the encoded body go. */
const buffered = (response: Response, bytes: Uint8Array): Response => {
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.delete('content-length');
  return new Response(NULL_BODY_STATUSES.has(response.status) ? null : bytes, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};

/** The global fetch for the `openai` package: a redirect is never followed (it would carry the key
 * elsewhere; the 3xx becomes the failure), and the body is read here, within `maxBytes`, so that
 * the package's timer and the caller's signal cover it and no error body is read whole. */
export const cappedFetch =
  (maxBytes: number, exchange: Exchange) =>
  async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    try {
      const response = await fetch(input, { ...init, redirect: 'manual' });
      const bytes = await readBodyCapped(response, maxBytes, true);
      if (bytes === null) throw new ResponseTooLargeError(maxBytes, response.status);
      exchange.body = bytes;
      return buffered(response, bytes);
    } catch (error) {
      exchange.error = error;
      throw error;
    }
  };
