import * as t from 'io-ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict, canonical RFC 4648 section 4 base64 (section 3.5: unused bits zero), or undefined. */
export const decodeBase64 = (text: string): Uint8Array | undefined => {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
};

/** A string that is the canonical base64 of exactly `length` bytes. A non-canonical spelling of
 * the same bytes (edited padding bits) is refused: it is not the text that was signed or exported. */
export const canonicalBase64 = (name: string, length: number, description: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && decodeBase64(u)?.length === length,
    (u, c) =>
      typeof u === 'string' && decodeBase64(u)?.length === length
        ? t.success(u)
        : t.failure(u, c, description),
    t.identity,
  );
