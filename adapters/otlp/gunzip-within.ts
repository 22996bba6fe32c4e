import { gunzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';

/** Why a gzip body was not decompressed: it would be larger than allowed (a zip bomb, or just too
 * much), or it is not gzip. */
export type GunzipRefusal =
  | { readonly kind: 'too_large'; readonly maxBytes: number }
  | { readonly kind: 'bad_gzip'; readonly message: string };

const isNodeError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';

/**
 * `body` decompressed (Content-Encoding: gzip), never producing more than `maxBytes`: zlib stops
 * at `maxOutputLength` and throws, so a small body that inflates to gigabytes costs at most
 * `maxBytes` of memory before it is refused.
 */
export const gunzipWithin = (body: Uint8Array, maxBytes: number): E.Either<GunzipRefusal, Uint8Array> => {
  try {
    const inflated = gunzipSync(body, { maxOutputLength: Math.max(1, maxBytes) });
    return inflated.length > maxBytes ? E.left({ kind: 'too_large', maxBytes }) : E.right(inflated);
  } catch (error) {
    if (isNodeError(error) && error.code === 'ERR_BUFFER_TOO_LARGE')
      return E.left({ kind: 'too_large', maxBytes });
    return E.left({ kind: 'bad_gzip', message: error instanceof Error ? error.message : String(error) });
  }
};
