import type * as t from 'io-ts';

/** Context entries whose key is a member index of an intersection or union (io-ts records those
 * as "0", "1", ...), not a field of the input. */
const isCombinatorMember = (parent: t.ContextEntry | undefined): boolean => {
  const tag = (parent?.type as { _tag?: string } | undefined)?._tag;
  return tag === 'IntersectionType' || tag === 'UnionType';
};

/** One line per io-ts failure, naming the field path ("steps.0.skill: expected string"). */
export const describeDecodeErrors = (errors: t.Errors): string[] => {
  const lines = errors.map((error) => {
    const path = error.context
      .filter((entry, i) => entry.key !== '' && !isCombinatorMember(error.context[i - 1]))
      .map((entry) => entry.key)
      .join('.');
    const last = error.context[error.context.length - 1];
    const detail = error.message ?? `expected ${last ? last.type.name : 'a value'}`;
    return `${path === '' ? '(input)' : path}: ${detail}`;
  });
  return [...new Set(lines)];
};
