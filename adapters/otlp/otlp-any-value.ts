import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { MAX_JSON_DEPTH } from '../../domain/json/json-depth.js';
import type { JsonObject, JsonValue } from '../../domain/json/json-value.js';
import { Base64BytesC, DoubleC, Int64C, nullable } from './otlp-scalars.js';
import { wellFormedText } from './storable-text.js';

/**
 * OTLP's AnyValue (an attribute's value) decoded to plain JSON: a string, bool or double as
 * itself, an int64 as a number when it is a safe integer and as its decimal string otherwise, bytes
 * as base64, an array as an array, a kvlist as an object (the last of duplicate keys wins), an empty
 * AnyValue as null. A non-finite double becomes the string the protobuf JSON mapping spells it with
 * ("NaN", "Infinity", "-Infinity"), and an integral double beyond ±(2^53−1) its decimal string:
 * JSON has no number for the first and the JSON gate refuses the second.
 *
 * A value of the wrong type fails to decode (the request is malformed). A value nested too deep
 * decodes, to a Left: its span is refused, the rest of the request is kept. Nesting is counted as in
 * the JSON it becomes, the span's attributes object being the first level, so attributes nest at
 * most MAX_JSON_DEPTH levels; below that limit nothing is looked at, so the codec's recursion (and
 * the memory it takes) stays bounded whatever the request holds.
 */

/** A decoded value, or why it cannot be kept (the reason its span is refused). */
export type AttributeValue = E.Either<string, JsonValue>;
type AttributeValueC = t.Type<AttributeValue, unknown, unknown>;

const tooDeep = `nests arrays and key-value lists deeper than ${MAX_JSON_DEPTH} levels`;

/** What stands below the depth limit: not looked at, refused. */
const BeyondDepthLimitC: AttributeValueC = new t.Type<AttributeValue, unknown, unknown>(
  'AnyValue',
  (u): u is AttributeValue => E.isLeft(u as AttributeValue),
  () => t.success(E.left(tooDeep)),
  t.identity,
);

const keyValueC = (value: AttributeValueC) => t.partial({ key: nullable(t.string), value: nullable(value) });

type KeyValues = ReadonlyArray<{ key?: string | null; value?: AttributeValue | null }>;

/** Key-value pairs (an AnyValue's kvlist, a span's attributes) as one object, or the first Left. */
const objectOf = (pairs: KeyValues): E.Either<string, JsonObject> => {
  const entries: [string, JsonValue][] = [];
  for (const { key, value } of pairs) {
    if (value !== undefined && value !== null && E.isLeft(value)) return value;
    entries.push([wellFormedText(key ?? ''), value?.right ?? null]);
  }
  return E.right(Object.fromEntries(entries));
};

const jsonNumberOf = (double: number): JsonValue =>
  !Number.isFinite(double)
    ? String(double)
    : Number.isInteger(double) && !Number.isSafeInteger(double) && Math.abs(double) < 1e21
      ? BigInt(double).toString()
      : double;

const anyValueFieldsC = (child: AttributeValueC) =>
  t.partial({
    stringValue: nullable(t.string),
    boolValue: nullable(t.boolean),
    intValue: nullable(Int64C),
    doubleValue: nullable(DoubleC),
    bytesValue: nullable(Base64BytesC),
    arrayValue: nullable(t.partial({ values: nullable(t.array(child)) })),
    kvlistValue: nullable(t.partial({ values: nullable(t.array(keyValueC(child))) })),
  });

type AnyValueFields = t.TypeOf<ReturnType<typeof anyValueFieldsC>>;

/** The value the one field set says, `levelsLeft` being how many arrays or lists may still open. */
const jsonOf = (fields: AnyValueFields, levelsLeft: number): AttributeValue => {
  const { stringValue, boolValue, intValue, doubleValue, bytesValue, arrayValue, kvlistValue } = fields;
  if (stringValue != null) return E.right(wellFormedText(stringValue));
  if (boolValue != null) return E.right(boolValue);
  if (intValue != null)
    return E.right(Number.isSafeInteger(Number(intValue)) ? Number(intValue) : intValue.toString());
  if (doubleValue != null) return E.right(jsonNumberOf(doubleValue));
  if (bytesValue != null) return E.right(bytesValue);
  if (arrayValue == null && kvlistValue == null) return E.right(null);
  if (levelsLeft === 0) return E.left(tooDeep);
  if (arrayValue != null) {
    const values = arrayValue.values ?? [];
    const refused = values.find(E.isLeft);
    return refused ?? E.right(values.map((value) => (E.isRight(value) ? value.right : null)));
  }
  return objectOf(kvlistValue?.values ?? []);
};

const VALUE_FIELDS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'bytesValue',
  'arrayValue',
  'kvlistValue',
] as const;

/** The oneof's fields that are set (unknown fields are ignored, as OTLP/JSON requires). */
const fieldsSet = (fields: AnyValueFields): string[] =>
  VALUE_FIELDS.filter((name) => fields[name] !== undefined && fields[name] !== null);

const anyValueCodecs: AttributeValueC[] = [];

/** The AnyValue codec for a value that may still open `levelsLeft` arrays or lists. */
const anyValueC = (levelsLeft: number): AttributeValueC => {
  const known = anyValueCodecs[levelsLeft];
  if (known !== undefined) return known;
  const fieldsC = anyValueFieldsC(levelsLeft === 0 ? BeyondDepthLimitC : anyValueC(levelsLeft - 1));
  const codec = new t.Type<AttributeValue, unknown, unknown>(
    'AnyValue',
    (u): u is AttributeValue => typeof u === 'object' && u !== null && '_tag' in u,
    (u, c) => {
      const fields = fieldsC.validate(u, c);
      if (E.isLeft(fields)) return fields;
      const set = fieldsSet(fields.right);
      return set.length > 1
        ? t.failure(u, c, `an AnyValue holds one value, this one sets ${set.join(' and ')}`)
        : t.success(jsonOf(fields.right, levelsLeft));
    },
    t.identity,
  );
  anyValueCodecs[levelsLeft] = codec;
  return codec;
};

/** A list of OTLP KeyValues (a span's, an event's, a resource's attributes) as one JSON object, or
 * why it cannot be kept. */
const KeyValueListC = t.union([t.array(keyValueC(anyValueC(MAX_JSON_DEPTH - 1))), t.null, t.undefined]);

const isRecord = (u: unknown): u is Record<string, unknown> =>
  Object.prototype.toString.call(u) === '[object Object]';

const absent = (u: unknown): boolean => u === undefined || u === null;

/** Up to 15 digits: always a safe integer, always within int64. */
const SHORT_DECIMAL = /^-?[0-9]{1,15}$/;

/** An int64 as Int64C and jsonOf make it when it is a safe integer (a number, or a decimal string
 * as protobuf's toObject and OTLP/JSON spell it; -0 as 0, as through BigInt); else undefined. */
const safeInteger = (u: unknown): number | undefined => {
  const value =
    typeof u === 'number' && Number.isSafeInteger(u)
      ? u
      : typeof u === 'string' && SHORT_DECIMAL.test(u)
        ? Number(u)
        : undefined;
  return value === 0 ? 0 : value;
};

/** What the AnyValue codec decodes a string, bool or safe integer value to, when `u` is exactly
 * that (one of those fields set, the other fields absent); undefined for anything else. */
const scalarValue = (u: unknown): JsonValue | undefined => {
  if (!isRecord(u) || !absent(u.doubleValue) || !absent(u.bytesValue)) return undefined;
  if (!absent(u.arrayValue) || !absent(u.kvlistValue)) return undefined;
  const { stringValue, boolValue, intValue } = u;
  if (typeof stringValue === 'string' && absent(boolValue) && absent(intValue))
    return wellFormedText(stringValue);
  if (typeof boolValue === 'boolean' && absent(stringValue) && absent(intValue)) return boolValue;
  const integer = safeInteger(intValue);
  return integer !== undefined && absent(stringValue) && absent(boolValue) ? integer : undefined;
};

/** The attributes when every pair is a key and a scalar value (nearly all spans): the same object
 * the codecs would give, without their allocations; undefined sends the list through them. */
const scalarAttributes = (u: unknown): JsonObject | undefined => {
  if (!Array.isArray(u)) return undefined;
  const entries: [string, JsonValue][] = [];
  for (const pair of u as unknown[]) {
    if (!isRecord(pair)) return undefined;
    const { key, value } = pair;
    if (!absent(key) && typeof key !== 'string') return undefined;
    const json = absent(value) ? null : scalarValue(value);
    if (json === undefined) return undefined;
    entries.push([wellFormedText(typeof key === 'string' ? key : ''), json]);
  }
  return Object.fromEntries(entries);
};

export const AttributesC = new t.Type<E.Either<string, JsonObject>, unknown, unknown>(
  'attributes',
  (u): u is E.Either<string, JsonObject> => typeof u === 'object' && u !== null && '_tag' in u,
  (u, c) => {
    const scalars = scalarAttributes(u);
    if (scalars !== undefined) return t.success(E.right(scalars));
    const pairs = KeyValueListC.validate(u, c);
    return E.isLeft(pairs) ? pairs : t.success(objectOf(pairs.right ?? []));
  },
  t.identity,
);
