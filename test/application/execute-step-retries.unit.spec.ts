import { describe, expect, it } from 'vitest';
import type { SkillResult } from '../../domain/ports/skill.js';
import { executeStep } from '../../application/runs/execute-step.js';
import { context, fail, ok, planned, scriptedSkill, setup } from './scripted-skill.js';

// executeStep's attempts: retryable failures retried with backoff up to the step's limit, timed-out
// attempts (retryable, charged what the skill declares), and no retry the budget could not pay for.
describe('executeStep: retries, timeouts, budget, secrets, data flow', () => {
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
});
