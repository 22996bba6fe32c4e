import { Ajv2020 } from 'ajv/dist/2020.js';
import * as E from 'fp-ts/lib/Either.js';
import type { Skill } from '../../domain/ports/skill.js';

/** A named params sample: a label for the test name, and the params. */
export type Sample = readonly [label: string, params: unknown];

/** A skill's params samples, by what its params_schema and its codec say of them. */
export type SkillSamples = {
  /** Accepted by both. */
  readonly valid: readonly Sample[];
  /** Refused by both: missing required, wrong type, out of bounds, unknown property, too long. */
  readonly invalid: readonly Sample[];
  /** Refused by the codec only: a check JSON Schema cannot say (each says why in a comment). */
  readonly codecOnly?: readonly Sample[];
  /** Refused by the schema only: where the schema is stricter than the codec (said why). */
  readonly schemaOnly?: readonly Sample[];
};

/** Strict: an unknown keyword, a `required` or `properties` without its `type`, ... is an error
 * when the schema compiles, not a check silently skipped. */
const ajv = new Ajv2020({ strict: true, allErrors: true });

export type Verdicts = { readonly schema: boolean; readonly codec: boolean };

/** What the skill's params_schema (validated by ajv) and its io-ts codec each say of params. */
export const verdictsOf = (skill: Skill): ((params: unknown) => Verdicts) => {
  const validate = ajv.compile(skill.manifest.params_schema);
  return (params) => ({
    schema: validate(params),
    codec: E.isRight(skill.params.decode(params)),
  });
};
