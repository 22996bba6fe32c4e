import type { PlanStep } from '../plan/plan.js';
import type { Clock } from '../ports/clock.js';
import type { SkillContext, SkillRegistry, SkillResult } from '../ports/skill.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import type { StepExecuted } from './run-events.js';

const failure = (category: string, code: string, message: string): SkillResult => ({
  status: 'failed',
  outcome: { category, code, data: { message } },
  cost_cents: 0,
});

/** Runs one planned step through its skill with a timeout; whatever happens becomes the step's record. */
export const executeStep = async (
  deps: { readonly skills: SkillRegistry; readonly clock: Clock; readonly stepTimeoutMs: number },
  planned: PlanStep,
  context: Omit<SkillContext, 'signal'>,
): Promise<StepExecuted> => {
  const started = deps.clock.monotonicMs();
  const result = await runSkill(deps, planned, context);
  const duration = Math.max(0, Math.round((deps.clock.monotonicMs() - started) * 1000) / 1000);
  return {
    step_index: planned.index,
    skill: planned.skill,
    params: planned.params,
    status: result.status,
    outcome: result.outcome,
    cost_cents: result.cost_cents,
    duration_ms: duration,
    retry_count: 0,
  };
};

const runSkill = async (
  deps: { readonly skills: SkillRegistry; readonly stepTimeoutMs: number },
  planned: PlanStep,
  context: Omit<SkillContext, 'signal'>,
): Promise<SkillResult> => {
  const skill = deps.skills.get(planned.skill);
  if (skill === undefined) return failure('plan_error', 'UNKNOWN_SKILL', `unknown skill "${planned.skill}"`);
  const params = skill.params.decode(planned.params);
  if (params._tag === 'Left') return failure('plan_error', 'INVALID_PARAMS', describeDecodeErrors(params.left).join('; '));
  try {
    return await skill.execute(params.right, { ...context, signal: AbortSignal.timeout(deps.stepTimeoutMs) });
  } catch (error) {
    return failure('internal_error', 'SKILL_THREW', error instanceof Error ? error.message : String(error));
  }
};
