import type * as t from 'io-ts';

/** One line per io-ts failure, naming the field path ("steps.0.skill: expected string"). */
export const describeDecodeErrors = (errors: t.Errors): string[] => {
  const lines = errors.map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const last = error.context[error.context.length - 1];
    const detail = error.message ?? `expected ${last ? last.type.name : 'a value'}`;
    return `${path === '' ? '(input)' : path}: ${detail}`;
  });
  return [...new Set(lines)];
};
