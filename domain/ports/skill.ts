import type * as t from 'io-ts';
import type { JsonObject, JsonValue } from '../json/json-value.js';

/** What a step produced. `category` is coarse (success, client_error, timeout, ...), `code` exact. */
export type StepOutcome = {
  readonly category: string;
  readonly code: string;
  readonly data: JsonValue;
};

export type SkillResult = {
  readonly status: 'succeeded' | 'failed';
  readonly outcome: StepOutcome;
  readonly cost_cents: number;
  /** A failure that may go away if the same call is made again (timeout, 5xx, 429, connection
   * reset): the runner retries it within the step's retry limit. Absent: not retryable. */
  readonly retryable?: boolean;
};

export type SkillContext = {
  /** Aborted when the step's time is up or the run is cancelled. */
  readonly signal: AbortSignal;
  /** Outcomes of the steps already executed in this run, by step index. */
  readonly previousOutcomes: ReadonlyMap<number, StepOutcome>;
  /** Hosts this agent may call even when the default host policy denies them. */
  readonly allowedHosts: readonly string[];
};

/** What a planner is told of a skill besides its name and description (docs/ARCHITECTURE.md). */
export type SkillManifest = {
  /** JSON Schema (draft 2020-12) of the params, agreeing with the `params` codec. */
  readonly params_schema: JsonObject;
  /** How a step's declared cost is computed, in one sentence. */
  readonly cost_model: string;
  /** What a step does outside the run (none, an HTTP request, ...). */
  readonly side_effects: string;
  /** Sizes, durations and counts it refuses beyond. */
  readonly limits: string;
};

export type PlanStepProblem = { readonly field: string; readonly message: string };

/** A skill: name, version, params codec and an execute function that never throws
 * (failures are outcomes with status `failed`). */
export interface Skill<P = unknown> {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly manifest: SkillManifest;
  /** Decodes stored plan params (plain JSON) into what `execute` takes. */
  readonly params: t.Type<P, JsonObject, unknown>;
  /** Cost the plan declares for a step with these params (budget check before execution). */
  estimateCostCents(params: P): number;
  /** Checks that depend on the step's place in the plan or on the agent (host policy, step refs). */
  validateInPlan(
    params: P,
    context: { readonly stepIndex: number; readonly allowedHosts: readonly string[] },
  ): readonly PlanStepProblem[];
  /** Whether running the step again has no effect beyond running it once (GET, echo, a pure
   * transform): decides whether a step that was in flight when its process died is run again on
   * resume, or recorded as interrupted. */
  isIdempotent(params: P): boolean;
  /** No effect outside the run and quick (echo, a JSON transform): the runner may append such a
   * step's record together with the records that follow it (a crash before that append means
   * running the step again, which changes nothing). Absent: false, recorded on its own. */
  readonly pure?: boolean;
  execute(params: P, context: SkillContext): Promise<SkillResult>;
}

export interface SkillRegistry {
  get(name: string): Skill | undefined;
  list(): readonly Skill[];
}
