import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { skillManifest } from '../../domain/planning/skill-manifest.js';
import { JsonObjectC, type JsonObject } from '../../domain/json/json-value.js';
import type { Skill, SkillManifest, SkillRegistry } from '../../domain/ports/skill.js';

const manifestOf = (name: string): SkillManifest => ({
  params_schema: { type: 'object', title: name },
  cost_model: `${name} costs nothing`,
  side_effects: `${name} has none`,
  limits: `${name} has none`,
});

const skill = (name: string): Skill => ({
  name,
  version: '2',
  description: `the ${name} skill`,
  manifest: manifestOf(name),
  params: JsonObjectC as unknown as t.Type<unknown, JsonObject, unknown>,
  isIdempotent: () => true,
  estimateCostCents: () => 0,
  validateInPlan: () => [],
  execute: async () => ({
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data: null },
    cost_cents: 0,
  }),
});

/** A registry listing its skills in the order given (not sorted, as a registry may). */
const registryOf = (...names: string[]): SkillRegistry => {
  const skills = names.map(skill);
  return { get: (name) => skills.find((s) => s.name === name), list: () => skills };
};

const entryOf = (name: string) => ({
  name,
  version: '2',
  description: `the ${name} skill`,
  ...manifestOf(name),
});

describe('skillManifest: what a planner is told of the skills', () => {
  it('given a registry, when no allowlist is given, then every skill is listed with its manifest, sorted by name', () => {
    expect(skillManifest(registryOf('wait', 'echo', 'http_call'))).toEqual([
      entryOf('echo'),
      entryOf('http_call'),
      entryOf('wait'),
    ]);
  });

  it('given an allowlist, when the manifest is built, then only the allowed skills are listed, sorted by name', () => {
    expect(skillManifest(registryOf('wait', 'echo', 'http_call'), ['wait', 'echo'])).toEqual([
      entryOf('echo'),
      entryOf('wait'),
    ]);
  });

  it('given an allowlist naming a skill the registry does not have, then that name is left out', () => {
    expect(skillManifest(registryOf('echo'), ['echo', 'shell'])).toEqual([entryOf('echo')]);
  });

  it('given an empty allowlist, then no skill is listed', () => {
    expect(skillManifest(registryOf('echo', 'wait'), [])).toEqual([]);
  });

  it('given names that differ in case, then they are sorted by code unit, as on every machine', () => {
    expect(skillManifest(registryOf('b', 'a', 'B')).map((e) => e.name)).toEqual(['B', 'a', 'b']);
  });

  it('given a skill, then its entry holds its name, version, description and manifest, and no codec or function', () => {
    const [entry] = skillManifest(registryOf('echo'));
    expect(Object.keys(entry ?? {}).sort()).toEqual(
      ['cost_model', 'description', 'limits', 'name', 'params_schema', 'side_effects', 'version'].sort(),
    );
  });

  it('given the built-in registry, then it lists the five built-in skills, each with a params schema', () => {
    const entries = skillManifest(builtinSkillRegistry());
    expect(entries.map((e) => e.name)).toEqual(['echo', 'http_call', 'json_transform', 'llm_invoke', 'wait']);
    for (const entry of entries) expect(entry.params_schema.type).toBe('object');
    expect(JSON.parse(JSON.stringify(entries))).toEqual(entries); // plain JSON, ready for a prompt
  });
});
