import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { JsonObjectC, type JsonObject } from '../../domain/json/json-value.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Skill, SkillContext, SkillResult } from '../../domain/ports/skill.js';
import { executeStep, type StepContext } from '../../application/runs/execute-step.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { minimalSkillManifest } from '../support/minimal-skill-manifest.js';

/** A skill whose attempts follow a script; it records what it was called with. */
const scriptedSkill = (
  script: ((params: JsonObject, context: SkillContext) => Promise<SkillResult>)[],
  estimate = 0,
) => {
  const calls: JsonObject[] = [];
  const skill: Skill<JsonObject> = {
    name: 'scripted',
    version: '1',
    description: 'test double',
    manifest: minimalSkillManifest,
    params: JsonObjectC as unknown as t.Type<JsonObject, JsonObject, unknown>,
    isIdempotent: () => true,
    estimateCostCents: () => estimate,
    validateInPlan: () => [],
    execute: async (params, context) => {
      calls.push(params);
      const next = script[Math.min(calls.length - 1, script.length - 1)];
      if (!next) throw new Error('no script');
      return next(params, context);
    },
  };
  return { skill, calls };
};

const ok =
  (data: JsonObject = {}, cost = 0) =>
  async (): Promise<SkillResult> => ({
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data },
    cost_cents: cost,
  });
const fail =
  (code: string, retryable: boolean, cost = 0) =>
  async (): Promise<SkillResult> => ({
    status: 'failed',
    outcome: { category: retryable ? 'server_error' : 'client_error', code, data: { code } },
    cost_cents: cost,
    retryable,
  });

const fakeClock = () => {
  const slept: number[] = [];
  let now = 0;
  const clock: Clock = {
    now: () => '2026-11-25T12:00:00.000Z',
    monotonicMs: () => (now += 1),
    sleep: async (ms) => void slept.push(ms),
  };
  return { clock, slept };
};

const setup = (skill: Skill<JsonObject>, secrets: Record<string, string> = {}) => {
  const { clock, slept } = fakeClock();
  const deps = {
    skills: {
      get: (name: string) => (name === skill.name ? (skill as unknown as Skill) : undefined),
      list: () => [skill as unknown as Skill],
    },
    clock,
    random: () => 0.5,
    secret: (name: string) => secrets[name],
    redaction: defaultRedactionPolicy,
  };
  return { deps, slept };
};

const context = (overrides: Partial<StepContext> = {}): StepContext => ({
  previousOutcomes: new Map(),
  previousSteps: new Map(),
  allowedHosts: [],
  budgetRemainingCents: 1000,
  ...overrides,
});
const planned = (params: JsonObject, max_retries = 3, timeout_ms = 1000) => ({
  index: 0,
  skill: 'scripted',
  params,
  max_retries,
  timeout_ms,
});

describe('executeStep: retries, timeouts, budget, secrets, data flow', () => {
  it('records an outcome carrying U+0000 (a response body) with U+FFFD instead, so it can be stored', async () => {
    const { skill } = scriptedSkill([
      fail('HTTP_503', true),
      ok({ body: 'bin\u0000ary', ['k\u0000']: ['\u0000'] }),
    ]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({ q: 1 }), context());
    expect(record.outcome.data).toEqual({ body: 'bin\uFFFDary', ['k\uFFFD']: ['\uFFFD'] });
    expect(JsonObjectC.is(record)).toBe(true);
  });

  it('retries retryable failures with growing, jittered backoff and keeps every attempt in the record', async () => {
    const { skill, calls } = scriptedSkill([
      fail('HTTP_503', true, 2),
      fail('HTTP_503', true, 2),
      ok({ done: true }, 5),
    ]);
    const { deps, slept } = setup(skill);
    const { record, budgetExhausted } = await executeStep(deps, planned({ q: 1 }), context());
    expect(calls).toHaveLength(3);
    expect(budgetExhausted).toBe(false);
    expect(record).toMatchObject({
      status: 'succeeded',
      retry_count: 2,
      cost_cents: 9,
      outcome: { code: 'OK', data: { done: true } },
    });
    expect(record.attempts).toEqual([
      {
        attempt: 1,
        outcome: { category: 'server_error', code: 'HTTP_503', data: { code: 'HTTP_503' } },
        cost_cents: 2,
        duration_ms: expect.any(Number),
        backoff_ms: 150,
      },
      {
        attempt: 2,
        outcome: { category: 'server_error', code: 'HTTP_503', data: { code: 'HTTP_503' } },
        cost_cents: 2,
        duration_ms: expect.any(Number),
        backoff_ms: 300,
      },
    ]);
    expect(slept).toEqual([150, 300]);
  });

  it('does not retry a failure that is not retryable', async () => {
    const { skill, calls } = scriptedSkill([fail('HTTP_404', false)]);
    const { deps, slept } = setup(skill);
    const { record } = await executeStep(deps, planned({}), context());
    expect(calls).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(record).toMatchObject({ status: 'failed', retry_count: 0, outcome: { code: 'HTTP_404' } });
    expect(record).not.toHaveProperty('attempts');
  });

  it('stops at the step retry limit and records the last failure', async () => {
    const { skill, calls } = scriptedSkill([fail('HTTP_503', true)]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({}, 2), context());
    expect(calls).toHaveLength(3);
    expect(record).toMatchObject({ status: 'failed', retry_count: 2, outcome: { code: 'HTTP_503' } });
    expect(record.attempts).toHaveLength(2);
  });

  it('times out a skill that ignores its AbortSignal, and aborts the signal of one that listens', async () => {
    let aborted = false;
    const { skill } = scriptedSkill([
      (_p, c) =>
        new Promise<SkillResult>(() =>
          c.signal.addEventListener('abort', () => {
            aborted = true;
          }),
        ),
    ]);
    const { deps } = setup(skill);
    const started = Date.now();
    const { record } = await executeStep(deps, planned({}, 0, 50), context());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aborted).toBe(true);
    expect(record).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'STEP_TIMEOUT' },
      retry_count: 0,
    });
  });

  it('retries a timed-out attempt (timeouts are retryable)', async () => {
    const { skill, calls } = scriptedSkill([() => new Promise<SkillResult>(() => undefined), ok()]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({}, 1, 30), context());
    expect(calls).toHaveLength(2);
    expect(record).toMatchObject({
      status: 'succeeded',
      retry_count: 1,
      attempts: [{ outcome: { code: 'STEP_TIMEOUT' } }],
    });
  });

  it('charges a timed-out attempt what the skill declares, so timeouts cannot retry past the budget', async () => {
    const { skill, calls } = scriptedSkill([() => new Promise<SkillResult>(() => undefined)], 4);
    const { deps } = setup(skill);
    const { record, budgetExhausted } = await executeStep(
      deps,
      planned({}, 10, 20),
      context({ budgetRemainingCents: 10 }),
    );
    expect(calls).toHaveLength(2); // 4 charged + 4 estimated <= 10 allows a retry; 8 + 4 > 10 stops
    expect(budgetExhausted).toBe(true);
    expect(record).toMatchObject({
      status: 'failed',
      retry_count: 1,
      cost_cents: 8,
      outcome: { code: 'STEP_TIMEOUT' },
    });
  });

  it('stops retrying when another attempt could exceed the remaining budget', async () => {
    const { skill, calls } = scriptedSkill([fail('HTTP_503', true, 4)], 4);
    const { deps } = setup(skill);
    const { record, budgetExhausted } = await executeStep(
      deps,
      planned({}, 5),
      context({ budgetRemainingCents: 10 }),
    );
    expect(calls).toHaveLength(2); // 4 spent + 4 estimated <= 10 allows a second attempt; 8 + 4 > 10 stops
    expect(budgetExhausted).toBe(true);
    expect(record).toMatchObject({ status: 'failed', retry_count: 1, cost_cents: 8 });
  });

  it('gives the skill the secret, records the reference, and redacts the secret from the outcome', async () => {
    const secret = 's3cr3t-value-1234';
    const { skill, calls } = scriptedSkill([
      async (p) => ({
        status: 'succeeded',
        outcome: { category: 'success', code: 'OK', data: { echoed: JSON.stringify(p) } },
        cost_cents: 0,
      }),
    ]);
    const { deps } = setup(skill, { API_TOKEN: secret });
    const params = {
      headers: { Authorization: 'Bearer {{secret:API_TOKEN}}' },
      url: 'http://x/?key={{secret:API_TOKEN}}',
    };
    const { record } = await executeStep(deps, planned(params), context());
    expect(calls[0]).toEqual({
      headers: { Authorization: `Bearer ${secret}` },
      url: `http://x/?key=${secret}`,
    });
    expect(record.params).toEqual(params);
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(JSON.stringify(record.outcome.data)).toContain('[REDACTED]');
  });

  it('redacts a literal credential under a sensitive key before it is recorded', async () => {
    const { skill, calls } = scriptedSkill([ok()]);
    const { deps } = setup(skill);
    const { record } = await executeStep(
      deps,
      planned({ headers: { 'X-Api-Key': 'literal-key-9876' }, body: { password: 'hunter22' } }),
      context(),
    );
    expect(calls[0]).toEqual({
      headers: { 'X-Api-Key': 'literal-key-9876' },
      body: { password: 'hunter22' },
    });
    expect(record.params).toEqual({
      headers: { 'X-Api-Key': '[REDACTED]' },
      body: { password: '[REDACTED]' },
    });
  });

  it('fails without calling the skill when a secret is not set, naming it but leaking nothing', async () => {
    const { skill, calls } = scriptedSkill([ok()]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({ token: '{{secret:MISSING_ONE}}' }), context());
    expect(calls).toHaveLength(0);
    expect(record).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'configuration_error',
        code: 'SECRET_NOT_SET',
        data: { message: expect.stringContaining('AOS_SECRET_MISSING_ONE') },
      },
    });
  });

  it('resolves earlier steps into the params and records the params actually used', async () => {
    const { skill, calls } = scriptedSkill([ok()]);
    const { deps } = setup(skill);
    const previousSteps = new Map([
      [
        0,
        {
          status: 'succeeded',
          outcome: { category: 'success', code: 'OK', data: { items: [1, 2] } },
          cost_cents: 0,
        },
      ],
    ]);
    const { record } = await executeStep(
      deps,
      { ...planned({ items: '{{steps.0.outcome.data.items}}' }), index: 1 },
      context({ previousSteps }),
    );
    expect(calls[0]).toEqual({ items: [1, 2] });
    expect(record.params).toEqual({ items: [1, 2] });
  });

  it('never resolves a secret reference that arrives in an earlier outcome (a server cannot ask for a secret)', async () => {
    const { skill, calls } = scriptedSkill([ok()]);
    const { deps } = setup(skill, { API_TOKEN: 'the-real-token-5678' });
    const previousSteps = new Map([
      [
        0,
        {
          status: 'succeeded',
          outcome: { category: 'success', code: 'OK', data: { next: 'send {{secret:API_TOKEN}}' } },
          cost_cents: 0,
        },
      ],
    ]);
    await executeStep(
      deps,
      { ...planned({ body: '{{steps.0.outcome.data.next}}' }), index: 1 },
      context({ previousSteps }),
    );
    expect(calls[0]).toEqual({ body: 'send {{secret:API_TOKEN}}' });
  });

  it('fails the step, without running it, when a reference cannot be resolved', async () => {
    const { skill, calls } = scriptedSkill([ok()]);
    const { deps } = setup(skill);
    const { record } = await executeStep(
      deps,
      { ...planned({ items: '{{steps.0.outcome.data.nope}}' }), index: 1 },
      context(),
    );
    expect(calls).toHaveLength(0);
    expect(record).toMatchObject({
      status: 'failed',
      outcome: { category: 'input_error', code: 'REFERENCE_UNRESOLVED' },
    });
  });

  it('records a skill that throws as a failed step, not a crash', async () => {
    const { skill } = scriptedSkill([
      async () => {
        throw new Error('kaboom');
      },
    ]);
    const { deps } = setup(skill);
    const { record } = await executeStep(deps, planned({}), context());
    expect(record).toMatchObject({
      status: 'failed',
      outcome: { code: 'SKILL_THREW', data: { message: 'kaboom' } },
      retry_count: 0,
    });
  });
});
