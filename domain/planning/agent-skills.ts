import type { SkillRegistry } from '../ports/skill.js';

/** The registry as a model-planned agent sees it: only the skills it was given. A plan naming any
 * other is told "unknown skill" with the agent's own list, so a repair request never advertises a
 * skill the agent may not use. */
export const agentSkills = (registry: SkillRegistry, names: readonly string[]): SkillRegistry => ({
  get: (name) => (names.includes(name) ? registry.get(name) : undefined),
  list: () => registry.list().filter((skill) => names.includes(skill.name)),
});
