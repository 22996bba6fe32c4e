import * as t from 'io-ts';

/** An io-ts object codec that rejects keys it does not name (t.exact would silently drop them):
 * at a boundary, a misspelt field is an error the user must see. */
export const closedObject = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional?: O,
) => {
  const base = optional ? t.intersection([t.type(required), t.partial(optional)]) : t.type(required);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  type A = t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>>;
  type Out = t.OutputOf<t.TypeC<R>> & Partial<t.OutputOf<t.TypeC<O>>>;
  return new t.Type<A, Out, unknown>(
    name,
    (u): u is A => base.is(u) && Object.keys(u as object).every((k) => known.has(k)),
    (u, c) => {
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        const unknownKey = Object.keys(u).find((k) => !known.has(k));
        if (unknownKey !== undefined) {
          return t.failure(
            u,
            t.appendContext(c, unknownKey, t.unknown, undefined),
            `unknown field "${unknownKey}"`,
          );
        }
      }
      // The intersection enters the context so error paths can skip its member indexes.
      return base.validate(u, t.appendContext(c, '', base)) as t.Validation<A>;
    },
    (a) => base.encode(a) as Out,
  );
};
