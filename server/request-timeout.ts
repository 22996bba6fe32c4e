/** How long a client may take to send a whole request (headers and body) before it is answered 408
 * and its connection closed: a client that stalls mid-body would otherwise hold one of the
 * ingest's concurrent slots for good (Fastify's default is no limit). Responses (the console's
 * server-sent events) are not bounded by it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
