import * as E from 'fp-ts/lib/Either.js';

/** How a request spells trace and span ids: OTLP/JSON as hex (case-insensitive), the generated
 * protobuf `toObject` as base64 of the bytes. */
export type IdSpelling = 'hex' | 'base64';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

const bytesOf = (text: string, spelling: IdSpelling): Buffer | undefined =>
  spelling === 'base64' ? Buffer.from(text, 'base64') : HEX.test(text) ? Buffer.from(text, 'hex') : undefined;

const isAllZero = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0);

/** A trace id (16 bytes) or span id (8 bytes) as lowercase hex; Left names what is wrong with it. */
export const spanIdentifier = (
  field: string,
  text: string | null | undefined,
  length: number,
  spelling: IdSpelling,
): E.Either<string, string> => {
  const bytes = bytesOf(text ?? '', spelling);
  if (bytes === undefined) return E.left(`${field} is not hex`);
  if (bytes.length !== length) return E.left(`${field} is ${bytes.length} bytes, not ${length}`);
  if (isAllZero(bytes)) return E.left(`${field} is all zeros`);
  return E.right(bytes.toString('hex'));
};

/** A parent span id: null when absent, empty or all zeros (a root span, as the Collector reads it). */
export const parentSpanIdentifier = (
  text: string | null | undefined,
  spelling: IdSpelling,
): E.Either<string, string | null> => {
  const bytes = bytesOf(text ?? '', spelling);
  if (bytes === undefined) return E.left('parent_span_id is not hex');
  if (bytes.length === 0 || (bytes.length === 8 && isAllZero(bytes))) return E.right(null);
  return spanIdentifier('parent_span_id', text, 8, spelling);
};
