import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { canonicalJson } from '../json/canonical-json.js';
import type { JsonObject, JsonValue } from '../json/json-value.js';

/**
 * Step data flow: a later step's params may use an earlier step's record.
 *
 * - `"{{steps.0.outcome.data.items}}"`: a whole string that is one reference becomes the value
 *   itself (an array stays an array); inside a longer string a reference is interpolated (strings
 *   as they are, other values as canonical JSON).
 * - `{"$from": "/steps/0/outcome/data/items"}`: an object with only `$from`, an RFC 6901 JSON
 *   pointer, becomes the value it points at.
 *
 * What a reference can see of step N is its record: `{ status, outcome: { category, code, data },
 * cost_cents }`, the redacted form stored in the ledger, so a resumed run resolves exactly what the
 * first process would have.
 */
export type StepView = {
  readonly status: string;
  readonly outcome: { readonly category: string; readonly code: string; readonly data: JsonValue };
  readonly cost_cents: number;
};

export type ReferenceProblem = {
  readonly path: string;
  readonly reference: string;
  readonly message: string;
};

const TEMPLATE = /\{\{\s*steps\.([^}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*steps\.([^}]*?)\s*\}\}$/;
const FROM_KEY = '$from';

type Reference = { readonly step: number; readonly path: readonly string[] };

const parseDotted = (text: string): Reference | string => {
  const segments = text.split('.');
  const [first, ...rest] = segments;
  if (first === undefined || !/^(0|[1-9][0-9]{0,5})$/.test(first))
    return 'expected steps.<index>.<path>, the index a non-negative integer';
  if (rest.some((s) => s === '')) return 'empty path segment';
  return { step: Number(first), path: rest };
};

const parsePointer = (pointer: string): Reference | string => {
  if (!pointer.startsWith('/steps/')) return 'a $from pointer must start with /steps/<index>';
  const tokens = pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const [, index, ...path] = tokens;
  if (index === undefined || !/^(0|[1-9][0-9]{0,5})$/.test(index))
    return 'expected /steps/<index>/..., the index a non-negative integer';
  return { step: Number(index), path };
};

const isFromObject = (value: JsonValue): value is { $from: string } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  typeof value[FROM_KEY] === 'string';

const child = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/** Every reference in a step's params, with where it is, or the reason it cannot be read. */
const walk = (
  value: JsonValue,
  path: string,
  visit: (reference: Reference | string, raw: string, path: string) => void,
): void => {
  if (typeof value === 'string') {
    for (const match of value.matchAll(TEMPLATE)) visit(parseDotted(match[1] ?? ''), match[0], path);
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, i) => walk(item, child(path, i), visit));
  if (value === null || typeof value !== 'object') return;
  if (isFromObject(value)) return visit(parsePointer(value.$from), value.$from, path);
  for (const [key, item] of Object.entries(value)) walk(item, child(path, key), visit);
};

/** Plan-time check: references parse and point only at earlier steps (so a plan has no cycles). */
export const stepReferenceProblems = (params: JsonObject, stepIndex: number): ReferenceProblem[] => {
  const problems: ReferenceProblem[] = [];
  walk(params, '', (reference, raw, path) => {
    if (typeof reference === 'string') problems.push({ path, reference: raw, message: reference });
    else if (reference.step >= stepIndex)
      problems.push({
        path,
        reference: raw,
        message: `step ${stepIndex} may only use earlier steps (refers to step ${reference.step})`,
      });
  });
  return problems;
};

const lookup = (steps: ReadonlyMap<number, StepView>, reference: Reference): E.Either<string, JsonValue> => {
  const view = steps.get(reference.step);
  if (view === undefined) return E.left(`step ${reference.step} has no record`);
  let node: JsonValue = view as unknown as JsonValue;
  for (const [depth, segment] of reference.path.entries()) {
    const here = reference.path.slice(0, depth).join('.');
    if (Array.isArray(node)) {
      const index = /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : NaN;
      const item: JsonValue | undefined = node[index];
      if (item === undefined)
        return E.left(`step ${reference.step} has no ${[here, segment].filter(Boolean).join('.')}`);
      node = item;
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, segment)) {
      node = node[segment] as JsonValue;
    } else {
      return E.left(`step ${reference.step} has no ${[here, segment].filter(Boolean).join('.')}`);
    }
  }
  return E.right(node);
};

/** Each element resolved, in order, up to the first problem (fp-ts's linear, short-circuiting
 * traverse; its result is a fresh array, so it is handed out as a mutable one). */
const resolveEach =
  <A, B>(f: (index: number, item: A) => E.Either<ReferenceProblem, B>) =>
  (items: readonly A[]): E.Either<ReferenceProblem, B[]> =>
    E.traverseArrayWithIndex(f)(items) as E.Either<ReferenceProblem, B[]>;

const resolveValue = (
  value: JsonValue,
  path: string,
  steps: ReadonlyMap<number, StepView>,
): E.Either<ReferenceProblem, JsonValue> => {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) {
      const reference = parseDotted(whole[1] ?? '');
      if (typeof reference === 'string') return E.left({ path, reference: value, message: reference });
      return pipe(
        lookup(steps, reference),
        E.mapLeft((message) => ({ path, reference: value, message })),
      );
    }
    let problem: ReferenceProblem | undefined;
    const text = value.replace(TEMPLATE, (raw, dotted: string) => {
      const reference = parseDotted(dotted);
      const found = typeof reference === 'string' ? E.left(reference) : lookup(steps, reference);
      if (E.isLeft(found)) {
        problem ??= { path, reference: raw, message: found.left };
        return raw;
      }
      return typeof found.right === 'string' ? found.right : canonicalJson(found.right);
    });
    return problem ? E.left(problem) : E.right(text);
  }
  if (Array.isArray(value))
    return pipe(
      value,
      resolveEach((i, item) => resolveValue(item, child(path, i), steps)),
    );
  if (value === null || typeof value !== 'object') return E.right(value);
  if (isFromObject(value)) {
    const reference = parsePointer(value.$from);
    if (typeof reference === 'string') return E.left({ path, reference: value.$from, message: reference });
    return pipe(
      lookup(steps, reference),
      E.mapLeft((message) => ({ path, reference: value.$from, message })),
    );
  }
  return pipe(
    Object.entries(value),
    resolveEach((_, [key, item]) =>
      pipe(
        resolveValue(item, child(path, key), steps),
        E.map((resolved): [string, JsonValue] => [key, resolved]),
      ),
    ),
    E.map((entries) => Object.fromEntries(entries)),
  );
};

/** The params with every step reference replaced by the value it names, at execution time. */
export const resolveStepReferences = (
  params: JsonObject,
  steps: ReadonlyMap<number, StepView>,
): E.Either<ReferenceProblem, JsonObject> =>
  resolveValue(params, '', steps) as E.Either<ReferenceProblem, JsonObject>;
