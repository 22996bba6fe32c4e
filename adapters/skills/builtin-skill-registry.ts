import type { Skill, SkillManifest, SkillRegistry } from '../../domain/ports/skill.js';
import { echoParamsDoc } from './echo-params.js';
import { echoSkill } from './echo-skill.js';
import { httpCallIdempotentDoc, httpCallParamsDoc, httpCallSkill } from './http-call-skill.js';
import { jsonTransformParamsDoc } from './json-transform-params.js';
import { jsonTransformSkill } from './json-transform-skill.js';
import { llmInvokeIdempotentDoc, llmInvokeParamsDoc, llmInvokeSkill } from './llm-invoke-skill.js';
import { waitIdempotentDoc, waitParamsDoc } from './wait-params.js';
import { waitSkill } from './wait-skill.js';

/** What `aos skills list` shows of a skill: `idempotent` says when a step interrupted by a crash
 * is run again on resume; `pure`, that its records may be appended together with the next ones;
 * `params` maps each param to a short description; then its manifest, as a planner is told it
 * (`--json` only): the params' JSON Schema, cost model, side effects and limits. */
export type SkillDescription = {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly idempotent: string;
  readonly pure: boolean;
  readonly params: Readonly<Record<string, string>>;
} & SkillManifest;

type Entry = {
  readonly skill: Skill;
  readonly idempotent: string;
  readonly paramsDoc: Readonly<Record<string, string>>;
};

/** `Skill<P>` is not assignable to `Skill<unknown>` (its codec's encode takes P): erased here, where
 * every caller decodes params with the skill's own codec before calling execute. */
const erase = <P>(skill: Skill<P>): Skill => skill as unknown as Skill;

const ENTRIES: readonly Entry[] = [
  { skill: erase(echoSkill), idempotent: 'always', paramsDoc: echoParamsDoc },
  { skill: erase(httpCallSkill), idempotent: httpCallIdempotentDoc, paramsDoc: httpCallParamsDoc },
  { skill: erase(jsonTransformSkill), idempotent: 'always', paramsDoc: jsonTransformParamsDoc },
  { skill: erase(llmInvokeSkill), idempotent: llmInvokeIdempotentDoc, paramsDoc: llmInvokeParamsDoc },
  { skill: erase(waitSkill), idempotent: waitIdempotentDoc, paramsDoc: waitParamsDoc },
].sort((a, b) => (a.skill.name < b.skill.name ? -1 : a.skill.name > b.skill.name ? 1 : 0));

const ENTRY_BY_NAME: ReadonlyMap<string, Entry> = new Map(ENTRIES.map((e) => [e.skill.name, e]));

/** The skills every agent can use, by name; `list()` sorted by name. */
export const builtinSkillRegistry = (): SkillRegistry => {
  const byName = new Map(ENTRIES.map(({ skill }) => [skill.name, skill]));
  const sorted = ENTRIES.map(({ skill }) => skill);
  return {
    get: (name) => byName.get(name),
    list: () => [...sorted],
  };
};

export const describeSkill = (skill: Skill): SkillDescription => {
  const entry = ENTRY_BY_NAME.get(skill.name);
  return {
    name: skill.name,
    version: skill.version,
    description: skill.description,
    idempotent: entry?.idempotent ?? 'no',
    pure: skill.pure === true,
    params: entry?.paramsDoc ?? {},
    params_schema: skill.manifest.params_schema,
    cost_model: skill.manifest.cost_model,
    side_effects: skill.manifest.side_effects,
    limits: skill.manifest.limits,
  };
};
