import * as t from 'io-ts';

/**
 * How deep arrays and objects may nest in JSON the system takes in (a plan template file, a
 * response body) and in what it records (a step's params and outcome data).
 *
 * Why a limit: JSON.parse takes any depth, but what follows it walks values recursively (the JSON
 * gate, U+0000 replacement, redaction, RFC 8785 canonicalization, the io-ts codecs). With Node's
 * default stack the shallowest of those walks overflowed at about 2,000 levels, so a remote answer
 * or a template nested deeper stopped the process with "Maximum call stack size exceeded".
 *
 * Why 256: real documents nest a few dozen levels (serde_json stops at 128 by default); 256 is
 * twice that, and still about eight times below the first overflow, which leaves room for the
 * levels a record adds around a value (a bundle's events → data → outcome → data) and for the
 * stack its callers already use.
 */
export const MAX_JSON_DEPTH = 256;

/** The levels a document may add around recorded values: a proof bundle holds step outcomes at
 * bundle → events → event → data → attempts → attempt → outcome → data, 7 levels above the data. */
export const RECORD_ENVELOPE_DEPTH = 16;

/** Where a value first nests deeper than its limit: the path from the root to the first array or
 * object beyond it (`steps[0].params.a`, the root being ''), shortened to its first segments. */
export type JsonDepthExcess = { readonly path: string; readonly limit: number };

/** How many path segments a JsonDepthExcess names before "…": enough to say which field it is. */
const PATH_SEGMENTS_SHOWN = 8;

type Frame = {
  readonly value: object;
  readonly depth: number;
  readonly parent: Frame | null;
  readonly key: string | number;
};

const pathOf = (frame: Frame): string => {
  const keys: (string | number)[] = [];
  for (let at: Frame | null = frame; at !== null && at.parent !== null; at = at.parent) keys.push(at.key);
  keys.reverse();
  const shown = keys
    .slice(0, PATH_SEGMENTS_SHOWN)
    .reduce<string>(
      (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`),
      '',
    );
  return keys.length > PATH_SEGMENTS_SHOWN ? `${shown}…` : shown;
};

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Where `value` nests arrays and objects more than `limit` levels deep (`[]` and `{}` are one
 * level, `[[1]]` two, a string or number none), or null when it does not. Iterative, with its own
 * stack, so it is safe on any depth: run it before any recursive walk of JSON from outside. A
 * value holding itself (not JSON, but a skill could return one) counts as too deep.
 */
export const jsonDepthExcess = (
  value: unknown,
  limit: number = MAX_JSON_DEPTH,
  at: readonly (string | number)[] = [],
): JsonDepthExcess | null => {
  if (!isContainer(value)) return null;
  // `at`: where `value` sits in a larger document (read a piece at a time), so depth and path are the document's.
  let parent: Frame = { value: {}, depth: 1, parent: null, key: '' };
  for (const key of at.slice(0, -1)) parent = { value: {}, depth: parent.depth + 1, parent, key };
  const last = at[at.length - 1];
  const pending: Frame[] = [
    last === undefined
      ? { value, depth: 1, parent: null, key: '' }
      : { value, depth: parent.depth + 1, parent, key: last },
  ];
  for (let frame = pending.pop(); frame !== undefined; frame = pending.pop()) {
    if (frame.depth > limit) return { path: pathOf(frame), limit };
    if (Array.isArray(frame.value)) {
      // Last pushed is first visited: push children in reverse to report the first one in document order.
      for (let i = frame.value.length - 1; i >= 0; i--) {
        const item: unknown = frame.value[i];
        if (isContainer(item)) pending.push({ value: item, depth: frame.depth + 1, parent: frame, key: i });
      }
    } else {
      const keys = Object.keys(frame.value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const item: unknown = (frame.value as Record<string, unknown>)[key];
        if (isContainer(item)) pending.push({ value: item, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return null;
};

/** The problem in words, for a decode failure (the field is named by whoever reports it). */
export const describeJsonDepthExcess = (excess: JsonDepthExcess): string =>
  `${excess.path === '' ? '' : `${excess.path}: `}nests arrays and objects deeper than ${excess.limit} levels`;

/** `codec`, preceded by the depth check: a value nested deeper than `limit` fails to decode (with
 * the path) before `codec`, whose walk is recursive, ever sees it. */
export const withinJsonDepth = <A, O>(
  codec: t.Type<A, O, unknown>,
  limit: number = MAX_JSON_DEPTH,
): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    codec.name,
    (u): u is A => jsonDepthExcess(u, limit) === null && codec.is(u),
    (u, c) => {
      const excess = jsonDepthExcess(u, limit);
      return excess === null ? codec.validate(u, c) : t.failure(u, c, describeJsonDepthExcess(excess));
    },
    codec.encode,
  );
