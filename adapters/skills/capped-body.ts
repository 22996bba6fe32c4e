/** The body's bytes, or null as soon as it grows past `limit` (the rest is not read). */
const readCapped = async (
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | null> => {
  if (body === null) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return new Uint8Array(Buffer.concat(chunks, size));
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
};

/** A Content-Length over the cap fails before reading; not when no body follows (HEAD) nor for an
 * encoded body (the length is of the compressed bytes; the cap counts what fetch decodes). */
const declaredTooLarge = (response: Response, limit: number, bodyFollows: boolean): boolean => {
  if (!bodyFollows || response.headers.has('content-encoding')) return false;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  return Number.isFinite(declared) && declared > limit;
};

/** The body within the cap, or null (the response is then released). */
export const readBodyCapped = async (
  response: Response,
  limit: number,
  bodyFollows: boolean,
): Promise<Uint8Array | null> => {
  const bytes = declaredTooLarge(response, limit, bodyFollows)
    ? null
    : await readCapped(response.body, limit);
  if (bytes === null) await response.body?.cancel().catch(() => undefined);
  return bytes;
};
