import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from '../../adapters/otlp/decode-trace-request.js';
import { ExportTraceServiceRequestMessage } from '../../adapters/otlp/otlp-generated-messages.js';
import type { DecodedTraceRequest } from '../../adapters/otlp/received-spans.js';
import { SpanIdC, TraceIdC, UnixNanoC } from '../../domain/observed/received-span.js';
import { jsonRequest, jsonSpan } from './sdk-trace-requests.js';

const decodedJson = (spans: readonly object[]): DecodedTraceRequest => {
  const result = decodeTraceRequest('json', jsonRequest(spans));
  if (E.isLeft(result)) throw new Error(`expected the request to decode: ${result.left.message}`);
  return result.right;
};

describe('decodeTraceRequest: spans refused alone (partial success)', () => {
  it('keeps the good spans and counts the one with a bad span id, naming its problem', () => {
    const good = jsonSpan({ spanId: 'aaaaaaaaaaaaaaaa', name: 'good' });
    const bad = jsonSpan({ spanId: 'eee19b7e', name: 'short id' });
    const { spans, rejected } = decodedJson([good, bad, jsonSpan({ spanId: 'bbbbbbbbbbbbbbbb' })]);
    expect(spans.map((span) => span.span_id)).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
    expect(rejected).toEqual({
      count: 1,
      message:
        '1 span was refused; the first, "short id" (resourceSpans[0].scopeSpans[0].spans[1]): span_id is 4 bytes, not 8',
    });
  });

  it('counts every refused span and names the first', () => {
    const { spans, rejected } = decodedJson([
      jsonSpan({ traceId: '' }),
      jsonSpan({ spanId: '0000000000000000' }),
    ]);
    expect(spans).toEqual([]);
    expect(rejected.count).toBe(2);
    expect(rejected.message).toMatch(/^2 spans were refused; the first, .*: trace_id is 0 bytes, not 16$/);
  });

  it('quotes at most 100 characters of a refused span name, well-formed', () => {
    const name = `${'n'.repeat(99)}\ud83d\ude00 and more`;
    const { rejected } = decodedJson([jsonSpan({ name, spanId: '' })]);
    expect(rejected.message).toContain(`the first, "${'n'.repeat(99)}\uFFFD" (`);
  });

  it.each([
    ['a trace id of all zeros', { traceId: '00000000000000000000000000000000' }, 'trace_id is all zeros'],
    ['a trace id that is not hex', { traceId: '5b8efff798038103d269b633813fc6zz' }, 'trace_id is not hex'],
    ['a span id of all zeros', { spanId: '0000000000000000' }, 'span_id is all zeros'],
    ['a missing span id', { spanId: undefined }, 'span_id is 0 bytes, not 8'],
    [
      'a parent id of the wrong length',
      { parentSpanId: 'eee19b7ec3c1b17400' },
      'parent_span_id is 9 bytes, not 8',
    ],
    [
      'an end before its start',
      { endTimeUnixNano: '1699999999999999999' },
      'end_time_unix_nano is before start_time_unix_nano',
    ],
    ['no start time', { startTimeUnixNano: undefined }, 'start_time_unix_nano is missing'],
    ['no end time', { endTimeUnixNano: '0' }, 'end_time_unix_nano is missing'],
    ['a kind that is no SpanKind', { kind: 9 }, 'kind 9 is not a SpanKind (0 to 5)'],
    [
      'a status code that is none',
      { status: { code: 3 } },
      'status code 3 is not 0 (unset), 1 (ok) or 2 (error)',
    ],
  ])('refuses a span with %s', (_, fields, reason) => {
    const { spans, rejected } = decodedJson([jsonSpan(fields), jsonSpan({ spanId: 'cccccccccccccccc' })]);
    expect(spans.map((span) => span.span_id)).toEqual(['cccccccccccccccc']);
    expect(rejected.count).toBe(1);
    expect(rejected.message.endsWith(`: ${reason}`)).toBe(true);
  });

  it('reads ids case-insensitively, writes them lowercase; an all-zero or empty parent is a root', () => {
    const { spans, rejected } = decodedJson([
      jsonSpan({ traceId: '5B8EFFF798038103D269B633813FC60C', parentSpanId: 'EEE19B7EC3C1B175' }),
      jsonSpan({ parentSpanId: '0000000000000000' }),
      jsonSpan({ parentSpanId: '' }),
    ]);
    expect(rejected.count).toBe(0);
    expect(TraceIdC.is(spans[0]?.trace_id) && SpanIdC.is(spans[0]?.parent_span_id)).toBe(true);
    expect(spans.map((span) => [span.trace_id, span.parent_span_id])).toEqual([
      ['5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b175'],
      ['5b8efff798038103d269b633813fc60c', null],
      ['5b8efff798038103d269b633813fc60c', null],
    ]);
  });

  it('reads times given as JSON numbers or zero-padded strings, writes them as plain decimals', () => {
    const { spans } = decodedJson([
      jsonSpan({ startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: '01700000000000000001' }),
    ]);
    expect(spans.map((span) => [span.start_time_unix_nano, span.end_time_unix_nano])).toEqual([
      ['1700000000000000000', '1700000000000000001'],
    ]);
    expect(UnixNanoC.is(spans[0]?.end_time_unix_nano)).toBe(true);
  });

  it('reads absent and null fields as their defaults, and ignores unknown fields', () => {
    const { spans } = decodedJson([
      jsonSpan({
        name: null,
        kind: null,
        status: null,
        attributes: null,
        events: null,
        flags: 257,
        extra: { a: 1 },
      }),
    ]);
    expect(spans[0]).toMatchObject({
      name: '',
      kind: 0,
      status: { code: 'unset', message: '' },
      attributes: {},
      events: [],
      resource: {},
      scope: { name: 's', version: '' },
    });
    const empty = decodeTraceRequest('json', new TextEncoder().encode('{"somethingElse": true}'));
    expect(empty).toEqual(E.right({ spans: [], rejected: { count: 0, message: '' } }));
  });

  it('refuses the same bad span in protobuf as in JSON', () => {
    const base64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const span = (spanId: string) => ({
      traceId: base64('5b8efff798038103d269b633813fc60c'),
      spanId: base64(spanId),
      name: spanId,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000000000001',
    });
    const request = {
      resourceSpans: [{ scopeSpans: [{ spans: [span('eee19b7e'), span('eee19b7ec3c1b174')] }] }],
    };
    const body = ExportTraceServiceRequestMessage.encode(
      ExportTraceServiceRequestMessage.fromObject(request),
    ).finish();
    const result = decodeTraceRequest('protobuf', body);
    expect(E.isRight(result) && result.right.spans.map((kept) => kept.span_id)).toEqual(['eee19b7ec3c1b174']);
    expect(E.isRight(result) && result.right.rejected.message).toMatch(
      /"eee19b7e" .*: span_id is 4 bytes, not 8$/,
    );
  });
});
