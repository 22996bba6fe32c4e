import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import type { PlanStep } from '../../domain/plan/plan.js';
import { resolveStepReferences, type StepView } from '../../domain/plan/step-references.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Skill, SkillContext, SkillRegistry, SkillResult } from '../../domain/ports/skill.js';
import type { RedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { redactJson, scrubSecretValues } from '../../domain/secrets/redaction.js';
import { withoutNul } from '../../domain/json/storable-json.js';
import { resolveSecretReferences, secretEnvironmentVariable } from '../../domain/secrets/secret-reference.js';
import { backoffDelayMs } from '../../domain/run/retry-backoff.js';
import type { StepAttempt, StepExecuted } from '../../domain/run/run-events.js';
import { paramsTooDeep, withinRecordableDepth } from '../../domain/run/step-json-depth.js';

export type StepExecutionDeps = {
  readonly skills: SkillRegistry;
  readonly clock: Clock;
  /** In [0, 1): the jitter of retry backoff. */
  readonly random: () => number;
  /** The value of a `{{secret:NAME}}` reference, read at execution time and never stored. */
  readonly secret: (name: string) => string | undefined;
  readonly redaction: RedactionPolicy;
};

export type StepContext = Omit<SkillContext, 'signal'> & {
  /** The records of the steps already executed, as stored (redacted). */
  readonly previousSteps: ReadonlyMap<number, StepView>;
  /** Cents the run may still spend; retries stop before they would exceed it. */
  readonly budgetRemainingCents: number;
};

export type ExecutedStep = {
  readonly record: StepExecuted;
  /** The step stopped retrying because another attempt would exceed the run's budget. */
  readonly budgetExhausted: boolean;
};

type PlannedStep = PlanStep & { readonly max_retries: number; readonly timeout_ms: number };

const failure = (category: string, code: string, data: JsonObject, retryable = false): SkillResult => ({
  status: 'failed',
  outcome: { category, code, data },
  cost_cents: 0,
  retryable,
});

const elapsedSince = (clock: Clock, started: number): number =>
  Math.max(0, Math.round((clock.monotonicMs() - started) * 1000) / 1000);

/** One attempt: the skill runs with the step's timeout; a skill that ignores its AbortSignal is
 * not waited for past the timeout (its late result is dropped). */
const attemptOnce = async (
  skill: Skill,
  params: unknown,
  context: Omit<SkillContext, 'signal'>,
  timeoutMs: number,
): Promise<SkillResult> => {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<SkillResult>((resolve) => {
    signal.addEventListener(
      'abort',
      () =>
        resolve(
          failure(
            'timeout',
            'STEP_TIMEOUT',
            { message: `the step did not finish within its timeout of ${timeoutMs} ms` },
            true,
          ),
        ),
      { once: true },
    );
  });
  try {
    return await Promise.race([skill.execute(params, { ...context, signal }), timedOut]);
  } catch (error) {
    return failure('internal_error', 'SKILL_THREW', {
      message: error instanceof Error ? error.message : String(error),
    });
  }
};

/** How a step's story is recorded: redacted, without U+0000 (storable-json.ts), its cost the sum
 * of its attempts, its duration from `started`. */
const stepRecorder = (deps: StepExecutionDeps, planned: PlannedStep, started: number) => {
  // What a skill returns may come from outside: redacted, and without U+0000.
  const storableOutcome = (
    outcome: SkillResult['outcome'],
    secretValues: readonly string[],
  ): SkillResult['outcome'] => ({
    category: withoutNul(outcome.category) as string,
    code: withoutNul(outcome.code) as string,
    data: withoutNul(redactJson(outcome.data, deps.redaction, secretValues)),
  });
  const record = (
    params: JsonObject,
    result: SkillResult,
    attempts: readonly StepAttempt[],
    secretValues: readonly string[],
  ): StepExecuted => ({
    step_index: planned.index,
    skill: planned.skill,
    params: withoutNul(redactJson(params, deps.redaction, secretValues)) as JsonObject,
    status: result.status,
    outcome: storableOutcome(result.outcome, secretValues),
    cost_cents: attempts.reduce((sum, a) => sum + a.cost_cents, result.cost_cents),
    duration_ms: elapsedSince(deps.clock, started),
    retry_count: attempts.length,
    ...(attempts.length > 0 ? { attempts: [...attempts] } : {}),
  });
  const stopped = (params: JsonObject, result: SkillResult): ExecutedStep => ({
    record: record(params, result, [], []),
    budgetExhausted: false,
  });
  return { storableOutcome, record, stopped };
};

type StepRecorder = ReturnType<typeof stepRecorder>;

/** The params a step runs with: secrets resolved in the planned params first (text a remote server
 * sent back can never name a secret and have it sent out), then step references; decoded by the
 * skill's codec. What is recorded (withSteps) keeps the secret references; what the skill gets has
 * the secrets too. Else the record of the step stopped before it ran. */
const stepParams = (
  deps: StepExecutionDeps,
  planned: PlannedStep,
  context: StepContext,
  skill: Skill,
  { stopped }: StepRecorder,
): E.Either<ExecutedStep, { withSteps: JsonObject; params: unknown; secretValues: readonly string[] }> => {
  const withSecrets = resolveSecretReferences(planned.params, deps.secret);
  if (E.isLeft(withSecrets)) {
    const { name, path } = withSecrets.left;
    return E.left(
      stopped(
        planned.params,
        failure('configuration_error', 'SECRET_NOT_SET', {
          message: `secret ${name} is not set (environment variable ${secretEnvironmentVariable(name)})`,
          path,
        }),
      ),
    );
  }
  const { secretValues } = withSecrets.right;
  // A problem of the recorded params is reported first.
  const referenced = pipe(
    E.Do,
    E.apS('withSteps', resolveStepReferences(planned.params, context.previousSteps)),
    E.apS('resolved', resolveStepReferences(withSecrets.right.resolved as JsonObject, context.previousSteps)),
  );
  if (E.isLeft(referenced)) {
    const { path, reference, message } = referenced.left;
    return E.left(
      stopped(
        planned.params,
        failure('input_error', 'REFERENCE_UNRESOLVED', { message: `${reference}: ${message}`, path }),
      ),
    );
  }
  const { withSteps, resolved } = referenced.right;
  const tooDeep = paramsTooDeep(withSteps);
  if (tooDeep !== null) return E.left(stopped(planned.params, tooDeep));
  const params = skill.params.decode(resolved);
  if (E.isLeft(params)) {
    const problems = describeDecodeErrors(params.left).map((line) => scrubSecretValues(line, secretValues));
    return E.left(
      stopped(withSteps, failure('plan_error', 'INVALID_PARAMS', { message: problems.join('; ') })),
    );
  }
  return E.right({ withSteps, params: params.right, secretValues });
};

/** Runs one planned step: step references and secrets resolved, retryable failures retried with
 * backoff within the step's limit and the run's budget, and the whole story (every attempt, the
 * params actually used) recorded in redacted form. Never throws: whatever happens is the record. */
export const executeStep = async (
  deps: StepExecutionDeps,
  planned: PlannedStep,
  context: StepContext,
): Promise<ExecutedStep> => {
  const recorder = stepRecorder(deps, planned, deps.clock.monotonicMs());
  const skill = deps.skills.get(planned.skill);
  if (skill === undefined)
    return recorder.stopped(
      planned.params,
      failure('plan_error', 'UNKNOWN_SKILL', { message: `unknown skill "${planned.skill}"` }),
    );
  const prepared = stepParams(deps, planned, context, skill, recorder);
  if (E.isLeft(prepared)) return prepared.left;
  const { withSteps, params, secretValues } = prepared.right;
  const attempts: StepAttempt[] = [];
  const estimate = skill.estimateCostCents(params);
  const skillContext = { previousOutcomes: context.previousOutcomes, allowedHosts: context.allowedHosts };
  for (;;) {
    const attemptStarted = deps.clock.monotonicMs();
    const attempted = withinRecordableDepth(
      await attemptOnce(skill, params, skillContext, planned.timeout_ms),
    );
    // An attempt cut off by the step's timeout reported no cost, but may have been billed (an LLM
    // call): it is charged what the skill declares, so retries cannot overrun the budget unseen.
    const result =
      attempted.outcome.code === 'STEP_TIMEOUT'
        ? { ...attempted, cost_cents: Math.max(attempted.cost_cents, estimate) }
        : attempted;
    const spent = attempts.reduce((sum, a) => sum + a.cost_cents, result.cost_cents);
    const canRetry =
      result.status === 'failed' && result.retryable === true && attempts.length < planned.max_retries;
    const affordable = spent + estimate <= context.budgetRemainingCents;
    if (!canRetry || !affordable)
      return {
        record: recorder.record(withSteps, result, attempts, secretValues),
        budgetExhausted: canRetry && !affordable,
      };
    const backoff = backoffDelayMs(attempts.length + 1, deps.random);
    attempts.push({
      attempt: attempts.length + 1,
      outcome: recorder.storableOutcome(result.outcome, secretValues),
      cost_cents: result.cost_cents,
      duration_ms: elapsedSince(deps.clock, attemptStarted),
      backoff_ms: backoff,
    });
    await deps.clock.sleep(backoff);
  }
};
