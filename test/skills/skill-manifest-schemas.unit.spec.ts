import { describe, expect, it } from 'vitest';
import { builtinSkillRegistry, describeSkill } from '../../adapters/skills/builtin-skill-registry.js';
import { verdictsOf } from '../support/schema-agreement.js';
import { SAMPLES } from './skill-manifest-samples.js';

// A planner is told each skill's params as JSON Schema (its manifest); the plan it writes is then
// decoded by the skill's io-ts codec. The two are written apart, so they are checked together here:
// every sample gets the same verdict from ajv and from the codec, except the few a comment in
// skill-manifest-samples.ts explains.

const skills = builtinSkillRegistry().list();

describe('the manifests of the built-in skills', () => {
  it('has params samples for every built-in skill', () => {
    expect(skills.map((s) => s.name)).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(skills.map((s) => [s.name, s] as const))(
    '%s: its params schema is strict JSON Schema 2020-12, each property described as aos skills list does',
    (_, skill) => {
      const schema = skill.manifest.params_schema;
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(() => verdictsOf(skill)).not.toThrow();
      const properties = Object.entries(schema.properties as Record<string, { description?: string }>);
      expect(Object.fromEntries(properties.map(([name, p]) => [name, p.description]))).toEqual(
        describeSkill(skill).params,
      );
      for (const sentence of [skill.manifest.cost_model, skill.manifest.side_effects, skill.manifest.limits])
        expect(sentence.length).toBeGreaterThan(0);
    },
  );
});

for (const skill of skills) {
  const samples = SAMPLES[skill.name];
  if (samples === undefined) continue; // reported by 'has params samples for every built-in skill'
  describe(`${skill.name}: the params schema and the codec agree`, () => {
    const verdicts = verdictsOf(skill);
    it.each(samples.valid)('both accept %s', (_, params) => {
      expect(verdicts(params)).toEqual({ schema: true, codec: true });
    });
    it.each(samples.invalid)('both refuse %s', (_, params) => {
      expect(verdicts(params)).toEqual({ schema: false, codec: false });
    });
    if (samples.codecOnly !== undefined)
      it.each(samples.codecOnly)('only the codec refuses %s', (_, params) => {
        expect(verdicts(params)).toEqual({ schema: true, codec: false });
      });
    if (samples.schemaOnly !== undefined)
      it.each(samples.schemaOnly)('only the schema refuses %s', (_, params) => {
        expect(verdicts(params)).toEqual({ schema: false, codec: true });
      });
  });
}
