import type { JsonObject } from '../../domain/json/json-value.js';

/** The draft every `params_schema` is written in (SkillManifest). */
const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The JSON Schema of a skill's params, a `closedObject` codec: these properties, each described by
 * the skill's params doc (the text `aos skills list` shows), the required ones, and no other key.
 * `properties` has exactly the keys of `docs` (the compiler checks). `rules` are the
 * codec's checks across fields that JSON Schema can say (`allOf`). Each schema is written by hand
 * from its codec; test/skills/skill-manifest-schemas.unit.spec.ts checks that the two agree.
 */
export const closedObjectSchema = <K extends string>(spec: {
  readonly docs: Readonly<Record<K, string>>;
  readonly properties: Readonly<Record<NoInfer<K>, JsonObject>>;
  readonly required: readonly NoInfer<K>[];
  readonly rules?: readonly JsonObject[];
}): JsonObject => {
  const names = Object.keys(spec.properties) as K[];
  return {
    $schema: JSON_SCHEMA_2020_12,
    type: 'object',
    properties: Object.fromEntries(
      names.map((name) => [name, { description: spec.docs[name], ...spec.properties[name] }]),
    ),
    required: [...spec.required],
    additionalProperties: false,
    ...(spec.rules === undefined ? {} : { allOf: [...spec.rules] }),
  };
};

const anyCase = (ch: string): string =>
  ch.toLowerCase() !== ch.toUpperCase()
    ? `[${ch.toLowerCase()}${ch.toUpperCase()}]`
    : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A pattern (ECMA-262, as JSON Schema's; it has no flags) matching exactly these words in any
 * letter case, for a codec that compares lowercased words. */
export const anyCaseWordsPattern = (words: readonly string[]): string =>
  `^(?:${words.map((word) => [...word].map(anyCase).join('')).join('|')})$`;
