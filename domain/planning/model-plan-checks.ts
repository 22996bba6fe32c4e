import type { ModelPlanner } from '../agent/agent-planner.js';
import type { PlanProblem } from '../plan/plan-validation.js';
import { plannedStepCount, type Plan } from '../plan/plan.js';
import { literalCredentialProblems } from '../secrets/literal-credentials.js';
import type { RedactionPolicy } from '../secrets/redaction-policy.js';
import { malformedSecretReferences, secretReferencesIn } from '../secrets/secret-reference.js';

const at = (stepIndex: number, path: string): { step_index: number; field: string } => ({
  step_index: stepIndex,
  field: path === '' ? 'params' : `params.${path}`,
});

/** What a model's plan may not do that a template's may, beyond the checks every plan passes
 * (validatePlan, given only the agent's skills: agentSkills): exceed the agent's step ceiling
 * (repeats counted), or use a secret. A model's plan is written from a goal, text from outside: a
 * `{{secret:NAME}}` in it would let a goal ask for any secret, so none is allowed, and a literal
 * credential under a sensitive key would be stored in the ledger. */
export const modelPlanProblems = (
  plan: Plan,
  planner: ModelPlanner,
  redaction: RedactionPolicy,
): PlanProblem[] => {
  const problems: PlanProblem[] = [];
  const executed = plannedStepCount(plan);
  if (executed > planner.max_steps)
    problems.push({
      step_index: null,
      field: 'steps',
      message: `this agent's plans have at most ${planner.max_steps} steps, repeats counted (got ${executed})`,
    });
  plan.steps.forEach((step, index) => {
    for (const reference of secretReferencesIn(step.params))
      problems.push({
        ...at(index, reference.path),
        message: 'a plan written by a model may not use secrets ({{secret:...}})',
      });
    for (const malformed of malformedSecretReferences(step.params))
      problems.push({ ...at(index, malformed.path), message: malformed.message });
    for (const credential of literalCredentialProblems(step.params, redaction, ''))
      problems.push({ ...at(index, credential.field), message: credential.message });
  });
  return problems;
};
