import type { Skill, SkillRegistry } from '../../domain/ports/skill.js';
import { echoParamsDoc, echoSkill } from './echo-skill.js';
import { httpCallParamsDoc, httpCallSkill } from './http-call-skill.js';
import { jsonTransformParamsDoc, jsonTransformSkill } from './json-transform-skill.js';

/** What `aos skills list` shows of a skill: `params` maps each param to a short description. */
export type SkillDescription = {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly params: Readonly<Record<string, string>>;
};

type Entry = { readonly skill: Skill; readonly paramsDoc: Readonly<Record<string, string>> };

/** `Skill<P>` is not assignable to `Skill<unknown>` (its codec's encode takes P): erased here, where
 * every caller decodes params with the skill's own codec before calling execute. */
const erase = <P>(skill: Skill<P>): Skill => skill as unknown as Skill;

const ENTRIES: readonly Entry[] = [
  { skill: erase(echoSkill), paramsDoc: echoParamsDoc },
  { skill: erase(httpCallSkill), paramsDoc: httpCallParamsDoc },
  { skill: erase(jsonTransformSkill), paramsDoc: jsonTransformParamsDoc },
].sort((a, b) => (a.skill.name < b.skill.name ? -1 : a.skill.name > b.skill.name ? 1 : 0));

const DOCS: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map(ENTRIES.map((e) => [e.skill.name, e.paramsDoc]));

/** The skills every agent can use, by name; `list()` sorted by name. */
export const builtinSkillRegistry = (): SkillRegistry => {
  const byName = new Map(ENTRIES.map(({ skill }) => [skill.name, skill]));
  const sorted = ENTRIES.map(({ skill }) => skill);
  return {
    get: (name) => byName.get(name),
    list: () => [...sorted],
  };
};

export const describeSkill = (skill: Skill): SkillDescription => ({
  name: skill.name,
  version: skill.version,
  description: skill.description,
  params: DOCS.get(skill.name) ?? {},
});
