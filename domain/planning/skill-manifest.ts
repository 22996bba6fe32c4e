import type { JsonObject } from '../json/json-value.js';
import type { Skill, SkillRegistry } from '../ports/skill.js';

/** What a planner is told of one skill: its name, version and description, and its manifest
 * (params as JSON Schema, cost model, side effects, limits; domain/ports/skill.ts). */
export type SkillManifestEntry = {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly params_schema: JsonObject;
  readonly cost_model: string;
  readonly side_effects: string;
  readonly limits: string;
};

const entryOf = ({ name, version, description, manifest }: Skill): SkillManifestEntry => ({
  name,
  version,
  description,
  params_schema: manifest.params_schema,
  cost_model: manifest.cost_model,
  side_effects: manifest.side_effects,
  limits: manifest.limits,
});

/** By UTF-16 code units, not by locale: the same order on every machine, so the same prompt. */
const byName = (a: SkillManifestEntry, b: SkillManifestEntry): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * The skill manifest a planner is given (issue 14): every skill of the registry, or only those
 * named in `allowed` when it is given, sorted by name. A name in `allowed` that the registry does
 * not have is left out: plan validation refuses a step that uses it.
 */
export const skillManifest = (
  skills: SkillRegistry,
  allowed?: readonly string[],
): readonly SkillManifestEntry[] => {
  const wanted = allowed === undefined ? null : new Set(allowed);
  return skills
    .list()
    .filter((skill) => wanted === null || wanted.has(skill.name))
    .map(entryOf)
    .sort(byName);
};
