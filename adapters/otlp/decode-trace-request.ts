import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { ExportTraceServiceRequestMessage } from './otlp-generated-messages.js';
import { ExportTraceServiceRequestC } from './otlp-trace-request.js';
import { receivedSpans, type DecodedTraceRequest } from './received-spans.js';
import type { IdSpelling } from './span-ids.js';

/** The two encodings of OTLP/HTTP: `application/x-protobuf` and `application/json`. */
export type OtlpFormat = 'protobuf' | 'json';

/** A body that is not an ExportTraceServiceRequest at all: the request is refused whole (400). */
export type OtlpDecodeError = { readonly format: OtlpFormat; readonly message: string };

/** How many codec failures an error message lists. */
const FAILURES_SHOWN = 3;

const undecodable = (format: OtlpFormat, message: string): OtlpDecodeError => ({ format, message });

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** protobufjs decodes nested messages recursively: a body nesting AnyValues some tens of thousands
 * deep overflows the stack, which is caught and refuses the request (the depth limit refuses a
 * span only when the decoder got through it). */
const protobufErrorText = (error: unknown): string =>
  error instanceof RangeError && /call stack/i.test(error.message)
    ? 'messages nest too deep to decode'
    : errorText(error);

/** The message as plain data, through the generated decoder: 64-bit integers as decimal strings
 * (a JS number would round nanosecond times), bytes as base64. */
const protobufPlainRequest = (body: Uint8Array): E.Either<OtlpDecodeError, unknown> =>
  E.tryCatch(
    () => {
      const message = ExportTraceServiceRequestMessage.decode(body);
      return ExportTraceServiceRequestMessage.toObject(message, { longs: String, bytes: String });
    },
    // protobufjs throws on truncated or malformed input.
    (error) =>
      undecodable(
        'protobuf',
        `not an OTLP ExportTraceServiceRequest in protobuf: ${protobufErrorText(error)}`,
      ),
  );

const jsonPlainRequest = (body: Uint8Array): E.Either<OtlpDecodeError, unknown> =>
  pipe(
    E.tryCatch(
      () => new TextDecoder('utf-8', { fatal: true }).decode(body),
      () => undecodable('json', 'the body is not UTF-8 text'),
    ),
    E.chain((text) =>
      E.tryCatch(
        (): unknown => JSON.parse(text),
        (error) => undecodable('json', `the body is not JSON: ${errorText(error)}`),
      ),
    ),
  );

const ID_SPELLING: Record<OtlpFormat, IdSpelling> = { protobuf: 'base64', json: 'hex' };

/**
 * An OTLP/HTTP trace export body (already decompressed) as ReceivedSpans. Left when the body is not
 * an ExportTraceServiceRequest in `format` (nothing of it is to be kept); otherwise the spans that
 * could be kept and how many were refused, with the first reason (the response's partial success).
 *
 * Cost: time and memory grow with the body, linearly, and nesting is bounded (MAX_JSON_DEPTH), but
 * the body's size is the caller's limit to set. The worst case is a body of empty elements (an empty
 * span is 2 bytes of protobuf, `{}` in JSON): measured at about 250 bytes of heap and 2 to 5 µs per
 * byte of body (1 MB of empty spans: ~260 MB, 2 to 5 s on one core); real spans cost far less.
 */
export const decodeTraceRequest = (
  format: OtlpFormat,
  body: Uint8Array,
): E.Either<OtlpDecodeError, DecodedTraceRequest> =>
  pipe(
    format === 'protobuf' ? protobufPlainRequest(body) : jsonPlainRequest(body),
    E.chain((plain) =>
      pipe(
        ExportTraceServiceRequestC.decode(plain),
        E.mapLeft((errors) => {
          const failures = describeDecodeErrors(errors);
          const shown = failures.slice(0, FAILURES_SHOWN).join('; ');
          const more =
            failures.length > FAILURES_SHOWN ? ` (and ${failures.length - FAILURES_SHOWN} more)` : '';
          return undecodable(format, `not an OTLP ExportTraceServiceRequest: ${shown}${more}`);
        }),
      ),
    ),
    E.map((request) => receivedSpans(request, ID_SPELLING[format])),
  );
