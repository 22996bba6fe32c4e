import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonObject, JsonValue } from '../../domain/json/json-value.js';
import { withoutNul } from '../../domain/json/storable-json.js';
import { ReceivedSpanC, type ReceivedSpan } from '../../domain/observed/received-span.js';
import type { ExportTraceServiceRequest, OtlpSpan, OtlpSpanEvent } from './otlp-trace-request.js';
import { parentSpanIdentifier, spanIdentifier, type IdSpelling } from './span-ids.js';
import { wellFormedText } from './storable-text.js';

/** A request's spans as ReceivedSpans, and those refused (OTLP's partial success): a span whose ids,
 * times, kind, status or attributes cannot be kept is refused alone, the first reason reported. */
export type DecodedTraceRequest = { spans: ReceivedSpan[]; rejected: { count: number; message: string } };

/** What every span of one scope shares: its resource's attributes and its scope. */
type SpanSurroundings = {
  readonly resource: E.Either<string, JsonObject>;
  readonly scope: ReceivedSpan['scope'];
  readonly ids: IdSpelling;
};

const SPAN_KINDS = 6; // 0 unspecified … 5 consumer
const STATUS_CODES = ['unset', 'ok', 'error'] as const;

const spanTimes = (span: OtlpSpan): E.Either<string, { start: bigint; end: bigint }> => {
  const start = span.startTimeUnixNano ?? 0n;
  const end = span.endTimeUnixNano ?? 0n;
  if (start === 0n) return E.left('start_time_unix_nano is missing');
  if (end === 0n) return E.left('end_time_unix_nano is missing');
  return end < start ? E.left('end_time_unix_nano is before start_time_unix_nano') : E.right({ start, end });
};

const spanStatus = (span: OtlpSpan): E.Either<string, ReceivedSpan['status']> => {
  const code = STATUS_CODES[span.status?.code ?? 0];
  return code === undefined
    ? E.left(`status code ${span.status?.code} is not 0 (unset), 1 (ok) or 2 (error)`)
    : E.right({ code, message: wellFormedText(span.status?.message ?? '') });
};

const spanKind = (span: OtlpSpan): E.Either<string, number> => {
  const kind = span.kind ?? 0;
  return kind >= 0 && kind < SPAN_KINDS ? E.right(kind) : E.left(`kind ${kind} is not a SpanKind (0 to 5)`);
};

const spanEvent = (event: OtlpSpanEvent): E.Either<string, ReceivedSpan['events'][number]> =>
  pipe(
    event.attributes ?? E.right({}),
    E.map((attributes) => ({
      name: wellFormedText(event.name ?? ''),
      time_unix_nano: (event.timeUnixNano ?? 0n).toString(),
      attributes,
    })),
  );

/** The span as plain JSON, through withoutNul and the contract's own codec (the JSON gate). */
const storable = (candidate: ReceivedSpan): E.Either<string, ReceivedSpan> =>
  pipe(
    ReceivedSpanC.decode(withoutNul(candidate as JsonValue)),
    E.mapLeft((errors) => describeDecodeErrors(errors).join('; ')),
  );

const receivedSpan = (span: OtlpSpan, around: SpanSurroundings): E.Either<string, ReceivedSpan> =>
  pipe(
    E.Do,
    E.apS('trace_id', spanIdentifier('trace_id', span.traceId, 16, around.ids)),
    E.apS('span_id', spanIdentifier('span_id', span.spanId, 8, around.ids)),
    E.apS('parent_span_id', parentSpanIdentifier(span.parentSpanId, around.ids)),
    E.apS('kind', spanKind(span)),
    E.apS('times', spanTimes(span)),
    E.apS('status', spanStatus(span)),
    E.apS('attributes', span.attributes ?? E.right({})),
    E.apS('events', E.traverseArray(spanEvent)(span.events ?? [])),
    E.apS('resource', around.resource),
    E.chain(({ times, events, ...fields }) =>
      storable({
        trace_id: fields.trace_id,
        span_id: fields.span_id,
        parent_span_id: fields.parent_span_id,
        name: wellFormedText(span.name ?? ''),
        kind: fields.kind,
        start_time_unix_nano: times.start.toString(),
        end_time_unix_nano: times.end.toString(),
        status: fields.status,
        attributes: fields.attributes,
        events: [...events],
        resource: fields.resource,
        scope: around.scope,
      }),
    ),
  );

type Refusal = { readonly where: string; readonly name: string; readonly reason: string };

/** How much of a refused span's name the message quotes: the message goes back in the response. */
const NAME_SHOWN = 100;

const describeRefusals = (refusals: readonly Refusal[]): DecodedTraceRequest['rejected'] => {
  const first = refusals[0];
  if (first === undefined) return { count: 0, message: '' };
  const count = refusals.length === 1 ? '1 span was' : `${refusals.length} spans were`;
  return {
    count: refusals.length,
    message: `${count} refused; the first, ${JSON.stringify(first.name)} (${first.where}): ${first.reason}`,
  };
};

/** Every span of the request, kept or refused, in the request's order. */
export const receivedSpans = (request: ExportTraceServiceRequest, ids: IdSpelling): DecodedTraceRequest => {
  const spans: ReceivedSpan[] = [];
  const refusals: Refusal[] = [];
  (request.resourceSpans ?? []).forEach((resourceSpans, r) => {
    const resource = resourceSpans.resource?.attributes ?? E.right({});
    (resourceSpans.scopeSpans ?? []).forEach((scopeSpans, s) => {
      const scope = {
        name: wellFormedText(scopeSpans.scope?.name ?? ''),
        version: wellFormedText(scopeSpans.scope?.version ?? ''),
      };
      (scopeSpans.spans ?? []).forEach((span, i) => {
        const decoded = receivedSpan(span, { resource, scope, ids });
        if (E.isRight(decoded)) spans.push(decoded.right);
        else {
          const where = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
          const name = wellFormedText((span.name ?? '').slice(0, NAME_SHOWN));
          refusals.push({ where, name, reason: decoded.left });
        }
      });
    });
  });
  return { spans, rejected: describeRefusals(refusals) };
};
