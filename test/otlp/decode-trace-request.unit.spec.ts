import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTraceRequest } from '../../adapters/otlp/decode-trace-request.js';
import type { DecodedTraceRequest } from '../../adapters/otlp/received-spans.js';
import { jsonRequest, jsonSpan, sdkTrace, type SdkTrace } from './sdk-trace-requests.js';

const decoded = (result: ReturnType<typeof decodeTraceRequest>): DecodedTraceRequest => {
  if (E.isLeft(result)) throw new Error(`expected the request to decode: ${result.left.message}`);
  return result.right;
};

describe('decodeTraceRequest: what the OpenTelemetry SDK exports', () => {
  let sent: SdkTrace;
  beforeAll(async () => {
    sent = await sdkTrace();
  });

  it('decodes the protobuf request to its spans: ids, parent, times to the nanosecond, kind, status', () => {
    const { spans, rejected } = decoded(decodeTraceRequest('protobuf', sent.protobuf));
    expect(rejected).toEqual({ count: 0, message: '' });
    expect(spans.map((span) => span.name)).toEqual(['chat gpt-4o', 'invoke_agent planner']);
    const [chat, agent] = spans;
    expect(chat).toMatchObject({
      trace_id: sent.chat.spanContext().traceId,
      span_id: sent.chat.spanContext().spanId,
      parent_span_id: sent.agent.spanContext().spanId,
      kind: 3,
      start_time_unix_nano: '1700000000200000001',
      end_time_unix_nano: '1700000001000000005',
      status: { code: 'error', message: 'rate limited' },
    });
    expect(agent).toMatchObject({
      trace_id: sent.chat.spanContext().traceId,
      span_id: sent.agent.spanContext().spanId,
      parent_span_id: null,
      kind: 1,
      start_time_unix_nano: '1700000000123456789',
      end_time_unix_nano: '1700000002000000000',
      status: { code: 'unset', message: '' },
    });
  });

  it('keeps attributes (GenAI ones, ints, doubles, arrays, bools), events, resource and scope', () => {
    const [chat, agent] = decoded(decodeTraceRequest('protobuf', sent.protobuf)).spans;
    expect(chat?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.request.temperature': 0.25,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'gen_ai.request.stop_sequences_count': [1, 2, 3],
      streamed: false,
    });
    expect(chat?.events).toEqual([
      {
        name: 'gen_ai.choice',
        time_unix_nano: '1700000000900000000',
        attributes: { index: 0, 'gen_ai.finish_reason': 'stop' },
      },
    ]);
    for (const span of [chat, agent]) {
      expect(span?.resource).toEqual({ 'service.name': 'travel-agent', 'service.version': '2.1.0' });
      expect(span?.scope).toEqual({ name: 'openai-agents', version: '0.4.0' });
    }
    expect(agent?.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'planner',
    });
    expect(agent?.events).toEqual([]);
  });

  it('decodes the OTLP/JSON request of the same spans to the same ReceivedSpans', () => {
    const fromJson = decoded(decodeTraceRequest('json', sent.json));
    expect(fromJson.spans).toHaveLength(2);
    expect(fromJson).toEqual(decoded(decodeTraceRequest('protobuf', sent.protobuf)));
  });

  it('refuses a truncated protobuf request whole, saying so', () => {
    const result = decodeTraceRequest('protobuf', sent.protobuf.subarray(0, sent.protobuf.length - 5));
    expect(result).toEqual(
      E.left({ format: 'protobuf', message: expect.stringMatching(/^not an OTLP .* in protobuf: /) }),
    );
  });

  it('refuses whole a protobuf request nesting AnyValues deeper than the decoder can recurse', () => {
    // Built field by field: the generated encoder would itself recurse too deep.
    const varint = (n: number): number[] => (n < 128 ? [n] : [(n & 127) | 128, ...varint(n >>> 7)]);
    const lengthDelimited = (tag: number, body: Buffer): Buffer =>
      Buffer.concat([Buffer.from([tag, ...varint(body.length)]), body]);
    // AnyValue{arrayValue: ArrayValue{values: [AnyValue{...}]}}, 100,000 levels: headers inside out.
    const headers: number[][] = [];
    for (let level = 0, size = 0; level < 100_000; level++) {
      const values = [0x0a, ...varint(size)];
      const arrayValue = [0x2a, ...varint(size + values.length)];
      headers.push([...arrayValue, ...values]);
      size += values.length + arrayValue.length;
    }
    const value = Buffer.from(headers.reverse().flat());
    const attribute = lengthDelimited(
      0x4a,
      Buffer.concat([lengthDelimited(0x0a, Buffer.from('k')), lengthDelimited(0x12, value)]),
    );
    const span = Buffer.concat([
      lengthDelimited(0x0a, Buffer.alloc(16, 1)),
      lengthDelimited(0x12, Buffer.alloc(8, 1)),
      attribute,
    ]);
    const body = lengthDelimited(0x0a, lengthDelimited(0x12, lengthDelimited(0x12, span)));
    expect(decodeTraceRequest('protobuf', body)).toEqual(
      E.left({
        format: 'protobuf',
        message: 'not an OTLP ExportTraceServiceRequest in protobuf: messages nest too deep to decode',
      }),
    );
  });

  it('refuses an OTLP/JSON body sent as protobuf', () => {
    expect(E.isLeft(decodeTraceRequest('protobuf', sent.json))).toBe(true);
  });
});

describe('decodeTraceRequest: bodies that are not a request', () => {
  const text = (body: string) => new TextEncoder().encode(body);

  it.each([
    ['text', text('this is not protobuf'), /invalid wire type/],
    [
      'arbitrary bytes',
      Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02, 0x03]),
      /index out of range/,
    ],
    ['a field of the wrong wire type', Uint8Array.from([0x0a, 0x05, 0x0a, 0x03, 0x12, 0x01]), /protobuf: /],
  ])('protobuf: %s → Left', (_, body, message) => {
    const result = decodeTraceRequest('protobuf', body);
    expect(E.isLeft(result) && result.left.message).toMatch(message);
  });

  const typeErrors: [string, string, RegExp][] = [
    ['not JSON', '{"resourceSpans": [', /^the body is not JSON: /],
    ['a JSON array', '[1, 2]', /^not an OTLP ExportTraceServiceRequest: /],
    ['a JSON string', '"spans"', /^not an OTLP ExportTraceServiceRequest: /],
    ['resourceSpans not an array', '{"resourceSpans": {}}', /resourceSpans: expected Array/],
    [
      'a trace id that is a number',
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 5 }] }] }] }),
      /spans\.0\.traceId: expected string/,
    ],
  ];
  it.each(typeErrors)('json: %s → Left', (_, body, message) => {
    const result = decodeTraceRequest('json', text(body));
    expect(E.isLeft(result) && result.left.message).toMatch(message);
  });

  it('json: bytes that are not UTF-8 → Left', () => {
    expect(decodeTraceRequest('json', Uint8Array.from([0x7b, 0xff, 0x7d]))).toEqual(
      E.left({ format: 'json', message: 'the body is not UTF-8 text' }),
    );
  });

  it.each([
    [
      'an int that is a fraction',
      { attributes: [{ key: 'n', value: { intValue: 1.5 } }] },
      /intValue: expected an integer/,
    ],
    [
      'an int beyond int64',
      { attributes: [{ key: 'n', value: { intValue: '9223372036854775808' } }] },
      /intValue/,
    ],
    ['a negative time', { startTimeUnixNano: '-1' }, /startTimeUnixNano: expected an integer from 0/],
    ['an enum that is a fraction', { kind: 1.5 }, /kind: expected an enum value as an integer/],
    ['an enum by name', { kind: 'SPAN_KIND_CLIENT' }, /kind: expected an enum value as an integer/],
    [
      'a string value that is a number',
      { attributes: [{ key: 's', value: { stringValue: 3 } }] },
      /stringValue: expected string/,
    ],
    [
      'bytes that are not base64',
      { attributes: [{ key: 'b', value: { bytesValue: 'not base64!' } }] },
      /bytesValue: expected base64/,
    ],
    [
      'an AnyValue with two values',
      { attributes: [{ key: 'x', value: { stringValue: 'a', boolValue: true } }] },
      /sets stringValue and boolValue/,
    ],
    ['events not an array', { events: { name: 'e' } }, /events: expected Array/],
  ])('json: a span with %s → Left naming the field', (_, fields, message) => {
    const result = decodeTraceRequest('json', jsonRequest([jsonSpan(fields)]));
    expect(E.isLeft(result) && result.left.message).toMatch(message);
  });
});
