import type { SkillManifest } from '../../domain/ports/skill.js';

/** The manifest of a test double: any JSON object as params, free, no effect, no limit. Tests that
 * look at a manifest use the built-in skills' (test/skills/skill-manifest-schemas*.unit.spec.ts). */
export const minimalSkillManifest: SkillManifest = {
  params_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' },
  cost_model: 'test double: as its estimateCostCents says',
  side_effects: 'test double: none outside the test',
  limits: 'test double: none',
};
