import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from '../../adapters/otlp/decode-trace-request.js';
import { ExportTraceServiceRequestMessage } from '../../adapters/otlp/otlp-generated-messages.js';
import type { DecodedTraceRequest } from '../../adapters/otlp/received-spans.js';
import { jsonDepthExcess, MAX_JSON_DEPTH } from '../../domain/json/json-depth.js';
import { findJsonRejection } from '../../domain/json/json-value.js';
import { jsonRequest, jsonSpan } from './sdk-trace-requests.js';

const decodedJson = (body: Uint8Array): DecodedTraceRequest => {
  const result = decodeTraceRequest('json', body);
  if (E.isLeft(result)) throw new Error(`expected the request to decode: ${result.left.message}`);
  return result.right;
};

const attributesOf = (values: Record<string, object | null>) => {
  const attributes = Object.entries(values).map(([key, value]) =>
    value === null ? { key } : { key, value },
  );
  const [span] = decodedJson(jsonRequest([jsonSpan({ attributes })])).spans;
  return span?.attributes;
};

/** A kvlist nested `levels` deep, as OTLP/JSON text (built as text: JSON.stringify recurses). */
const nestedKvlist = (levels: number): string =>
  '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) +
  '{"stringValue":"bottom"}' +
  '}]}}'.repeat(levels);

const requestWithValue = (valueJson: string): Uint8Array => {
  const span = JSON.stringify(jsonSpan({ attributes: [{ key: 'deep', value: { stringValue: '@' } }] }));
  return new TextEncoder().encode(
    `{"resourceSpans":[{"scopeSpans":[{"spans":[${span.replace('{"stringValue":"@"}', valueJson)}]}]}]}`,
  );
};

describe('decodeTraceRequest: AnyValue as JSON', () => {
  it('turns each kind of AnyValue into its JSON', () => {
    expect(
      attributesOf({
        string: { stringValue: 'text' },
        bool: { boolValue: false },
        int_string: { intValue: '42' },
        int_number: { intValue: -7 },
        int_unsafe: { intValue: '9007199254740993' },
        int_min: { intValue: '-9223372036854775808' },
        double: { doubleValue: 0.5 },
        bytes: { bytesValue: 'AAEC' },
        bytes_url_safe: { bytesValue: '-_8' },
        array: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, {}] } },
        empty_array: { arrayValue: {} },
        kvlist: {
          kvlistValue: {
            values: [{ key: 'inner', value: { arrayValue: { values: [{ boolValue: true }] } } }],
          },
        },
        empty: {},
        absent: null,
      }),
    ).toEqual({
      string: 'text',
      bool: false,
      int_string: 42,
      int_number: -7,
      int_unsafe: '9007199254740993',
      int_min: '-9223372036854775808',
      double: 0.5,
      bytes: 'AAEC',
      bytes_url_safe: '+/8=',
      array: ['a', 1, null],
      empty_array: [],
      kvlist: { inner: [true] },
      empty: null,
      absent: null,
    });
  });

  it('spells doubles JSON has no number for, or the JSON gate refuses, as strings', () => {
    const attributes = attributesOf({
      nan: { doubleValue: 'NaN' },
      infinity: { doubleValue: 'Infinity' },
      minus_infinity: { doubleValue: '-Infinity' },
      unsafe_integral: { doubleValue: 2 ** 60 },
      huge: { doubleValue: 1e300 },
    });
    expect(attributes).toEqual({
      nan: 'NaN',
      infinity: 'Infinity',
      minus_infinity: '-Infinity',
      unsafe_integral: '1152921504606846976',
      huge: 1e300,
    });
    expect(findJsonRejection(attributes)).toBeNull();
  });

  it('replaces U+0000 and lone surrogates, in values, keys and names, with U+FFFD', () => {
    const body = new TextEncoder().encode(
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc\u0000' } }] },
            scopeSpans: [
              {
                spans: [
                  jsonSpan({
                    name: 'n\ud800',
                    attributes: [{ key: 'k\u0000', value: { stringValue: 'x\udc00y' } }],
                  }),
                ],
              },
            ],
          },
        ],
      }),
    );
    const [span] = decodedJson(body).spans;
    expect(span?.name).toBe('n\uFFFD');
    expect(span?.attributes).toEqual({ 'k\uFFFD': 'x\uFFFDy' });
    expect(span?.resource).toEqual({ 'service.name': 'svc\uFFFD' });
    expect(findJsonRejection(span)).toBeNull();
  });

  it(`keeps attributes nested ${MAX_JSON_DEPTH} levels deep, counting the attributes object`, () => {
    const [span] = decodedJson(requestWithValue(nestedKvlist(MAX_JSON_DEPTH - 1))).spans;
    expect(jsonDepthExcess(span?.attributes)).toBeNull();
    expect(jsonDepthExcess(span?.attributes, MAX_JSON_DEPTH - 1)).not.toBeNull();
  });

  it('refuses even an empty array or list one level past the limit', () => {
    const { spans, rejected } = decodedJson(
      requestWithValue(
        nestedKvlist(MAX_JSON_DEPTH - 1).replace('{"stringValue":"bottom"}', '{"arrayValue":{}}'),
      ),
    );
    expect(spans).toEqual([]);
    expect(rejected.message).toMatch(/deeper than 256 levels$/);
  });

  it('keeps a key named __proto__ as a key, not a prototype', () => {
    const attributes = [
      {
        key: '__proto__',
        value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } },
      },
    ];
    const [span] = decodedJson(jsonRequest([jsonSpan({ attributes })])).spans;
    expect(JSON.stringify(span?.attributes)).toBe('{"__proto__":{"polluted":true}}');
    expect(Object.getPrototypeOf(span?.attributes)).toBe(Object.prototype);
  });

  it('keeps the last of duplicate keys, as JSON.parse does', () => {
    const list = [
      { key: 'k', value: { stringValue: 'first' } },
      { key: 'k', value: { stringValue: 'last' } },
    ];
    expect(attributesOf({ kv: { kvlistValue: { values: list } } })).toEqual({ kv: { k: 'last' } });
  });

  it('refuses the span, not the request, when its attributes nest deeper', () => {
    const { spans, rejected } = decodedJson(requestWithValue(nestedKvlist(MAX_JSON_DEPTH)));
    expect(spans).toEqual([]);
    expect(rejected).toMatchObject({ count: 1 });
    expect(rejected.message).toMatch(/: nests arrays and key-value lists deeper than 256 levels$/);
  });

  it('refuses a span nested 100,000 levels deep without overflowing the stack', () => {
    const deepArray = '{"arrayValue":{"values":['.repeat(100_000) + '{}' + ']}}'.repeat(100_000);
    const { rejected } = decodedJson(requestWithValue(deepArray));
    expect(rejected.count).toBe(1);
    expect(rejected.message).toMatch(/deeper than 256 levels$/);
  });

  it('refuses a span whose resource nests too deep, in protobuf too', () => {
    let value: object = { stringValue: 'bottom' };
    for (let level = 0; level < MAX_JSON_DEPTH; level++) value = { arrayValue: { values: [value] } };
    const span = {
      traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64'),
      spanId: Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'),
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
    };
    const request = {
      resourceSpans: [{ resource: { attributes: [{ key: 'r', value }] }, scopeSpans: [{ spans: [span] }] }],
    };
    const body = ExportTraceServiceRequestMessage.encode(
      ExportTraceServiceRequestMessage.fromObject(request),
    ).finish();
    const result = decodeTraceRequest('protobuf', body);
    expect(E.isRight(result) && result.right.rejected.message).toMatch(/deeper than 256 levels$/);
  });
});
