import type { ModelPlanner } from '../../domain/agent/agent-planner.js';
import type { PlanProblem } from '../../domain/plan/plan-validation.js';
import type { SkillRegistry } from '../../domain/ports/skill.js';
import { mentionsSecretReference } from '../../domain/secrets/secret-reference.js';

const problem = (field: string, message: string): PlanProblem => ({ step_index: null, field, message });

/** What is wrong with a model planner's settings: skills it names must exist (at least one, none
 * twice), and its instructions, given to the model with every goal, may not ask for a secret. */
export const modelPlannerProblems = (
  planner: Omit<ModelPlanner, 'kind'>,
  skills: SkillRegistry,
): PlanProblem[] => {
  const problems: PlanProblem[] = [];
  if (planner.skills.length === 0) problems.push(problem('skills', 'name at least one skill'));
  const known = skills.list().map((skill) => skill.name);
  planner.skills.forEach((name, index) => {
    if (!known.includes(name))
      problems.push(problem(`skills[${index}]`, `unknown skill "${name}" (known: ${known.join(', ')})`));
    else if (planner.skills.indexOf(name) !== index)
      problems.push(problem(`skills[${index}]`, `skill "${name}" is named twice`));
  });
  if (mentionsSecretReference(planner.instructions))
    problems.push(
      problem('instructions', 'instructions go to the model with every goal: they may not reference secrets'),
    );
  return problems;
};
