import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../domain/json/json-depth.js';
import { JsonObjectC, type JsonObject, type JsonValue } from '../../domain/json/json-value.js';
import type { Skill, SkillResult } from '../../domain/ports/skill.js';
import { executeStep, type StepContext } from '../../application/runs/execute-step.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { minimalSkillManifest } from '../support/minimal-skill-manifest.js';

/** `levels` arrays one inside the other, built without recursion. */
const nested = (levels: number): JsonValue => {
  let value: JsonValue = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
};

/** A skill that returns `data` (with `cost`) on every call and counts its calls. */
const skillReturning = (data: JsonValue, cost = 0) => {
  let calls = 0;
  const skill: Skill<JsonObject> = {
    name: 'deep',
    version: '1',
    description: 'test double',
    manifest: minimalSkillManifest,
    params: JsonObjectC as unknown as t.Type<JsonObject, JsonObject, unknown>,
    isIdempotent: () => true,
    estimateCostCents: () => 0,
    validateInPlan: () => [],
    execute: async (): Promise<SkillResult> => {
      calls += 1;
      return { status: 'succeeded', outcome: { category: 'success', code: 'OK', data }, cost_cents: cost };
    },
  };
  return { skill, calls: () => calls };
};

const deps = (skill: Skill<JsonObject>) => ({
  skills: { get: (name: string) => (name === skill.name ? (skill as Skill) : undefined), list: () => [] },
  clock: { now: () => '2026-11-25T12:00:00.000Z', monotonicMs: () => 0, sleep: async () => undefined },
  random: () => 0.5,
  secret: () => undefined,
  redaction: defaultRedactionPolicy,
});

const context = (previousSteps: StepContext['previousSteps'] = new Map()): StepContext => ({
  previousOutcomes: new Map(),
  previousSteps,
  allowedHosts: [],
  budgetRemainingCents: 1000,
});

const planned = (params: JsonObject, index = 0) => ({
  index,
  skill: 'deep',
  params,
  max_retries: 3,
  timeout_ms: 1000,
});

describe('executeStep records nothing nested deeper than MAX_JSON_DEPTH', () => {
  it('keeps outcome data exactly at the limit', async () => {
    const { skill } = skillReturning(nested(MAX_JSON_DEPTH));
    const { record } = await executeStep(deps(skill), planned({}), context());
    expect(record).toMatchObject({ status: 'succeeded', outcome: { code: 'OK' } });
  });

  it('fails a step whose outcome data nests deeper: bad_response, its cost kept, not retried', async () => {
    const { skill, calls } = skillReturning({ wrapper: nested(5000) }, 3);
    const { record } = await executeStep(deps(skill), planned({}), context());
    expect(calls()).toBe(1);
    expect(record).toEqual({
      step_index: 0,
      skill: 'deep',
      params: {},
      status: 'failed',
      outcome: {
        category: 'bad_response',
        code: 'OUTCOME_TOO_DEEP',
        data: {
          message: "the skill's outcome data nests arrays and objects deeper than 256 levels",
          max_depth: 256,
        },
      },
      cost_cents: 3,
      duration_ms: 0,
      retry_count: 0,
    });
  });

  it('fails a step whose params, an earlier outcome taken in, nest deeper, without running it', async () => {
    const { skill, calls } = skillReturning({});
    const previousSteps = new Map([
      [
        0,
        {
          status: 'succeeded',
          outcome: { category: 'success', code: 'OK', data: { items: nested(MAX_JSON_DEPTH - 1) } },
          cost_cents: 0,
        },
      ],
    ]);
    const params = { outer: { inner: '{{steps.0.outcome.data.items}}' } };
    const { record } = await executeStep(deps(skill), planned(params, 1), context(previousSteps));
    expect(calls()).toBe(0);
    expect(record).toMatchObject({
      step_index: 1,
      params,
      status: 'failed',
      outcome: {
        category: 'input_error',
        code: 'PARAMS_TOO_DEEP',
        data: {
          message: 'the params, step references resolved, nest arrays and objects deeper than 256 levels',
          path: 'outer.inner[0][0][0][0][0][0]…',
          max_depth: 256,
        },
      },
    });
  });
});
