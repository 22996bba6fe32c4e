import { describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { waitSkill, type WaitParams } from '../../adapters/skills/wait-skill.js';

const decodeErrors = (input: unknown): string[] => {
  const decoded = waitSkill.params.decode(input);
  return decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : [];
};

const params = (input: unknown): WaitParams => {
  const decoded = waitSkill.params.decode(input);
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return decoded.right;
};

const context = (signal: AbortSignal = new AbortController().signal): SkillContext => ({
  signal,
  previousOutcomes: new Map(),
  allowedHosts: [],
});

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};

describe('wait params', () => {
  it('accepts 0 and 600000 ms', () => {
    expect(decodeErrors({ ms: 0 })).toEqual([]);
    expect(decodeErrors({ ms: 600_000 })).toEqual([]);
  });

  it.each([
    [{ ms: -1 }, 'ms'],
    [{ ms: 600_001 }, 'ms'],
    [{ ms: 1.5 }, 'ms'],
    [{ ms: '10' }, 'ms'],
    [{}, 'ms'],
    [{ ms: 1, unit: 's' }, 'unit'],
  ])('rejects %j naming %s', (input, field) => {
    expect(decodeErrors(input).some((line) => line.startsWith(`${field}: `))).toBe(true);
  });

  it('is idempotent, free and valid anywhere in a plan', () => {
    expect(waitSkill.isIdempotent(params({ ms: 5 }))).toBe(true);
    expect(waitSkill.estimateCostCents(params({ ms: 600_000 }))).toBe(0);
    expect(waitSkill.validateInPlan(params({ ms: 5 }), { stepIndex: 0, allowedHosts: [] })).toEqual([]);
  });
});

describe('wait', () => {
  it('resolves after ms, for free', async () => {
    const { value, ms } = await timed(() => waitSkill.execute(params({ ms: 120 }), context()));
    expect(value).toEqual({
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: { waited_ms: 120 } },
      cost_cents: 0,
    });
    expect(ms).toBeGreaterThanOrEqual(115);
    expect(ms).toBeLessThan(1000);
  });

  it('waits 0 ms', async () => {
    expect((await waitSkill.execute(params({ ms: 0 }), context())).outcome.data).toEqual({ waited_ms: 0 });
  });

  it('stops at once when the step times out, as a retryable timeout', async () => {
    const { value, ms } = await timed(() =>
      waitSkill.execute(params({ ms: 600_000 }), context(AbortSignal.timeout(50))),
    );
    expect(value).toMatchObject({
      status: 'failed',
      outcome: { category: 'timeout', code: 'TIMEOUT' },
      cost_cents: 0,
      retryable: true,
    });
    expect(ms).toBeLessThan(1000);
  });

  it('stops at once when the run is cancelled, not retryable', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run cancelled')), 30);
    const { value, ms } = await timed(() =>
      waitSkill.execute(params({ ms: 600_000 }), context(controller.signal)),
    );
    expect(value).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'cancelled',
        code: 'CANCELLED',
        data: { message: expect.stringContaining('run cancelled') },
      },
      retryable: false,
    });
    expect(ms).toBeLessThan(1000);
  });

  it('does not wait when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('time is up', 'TimeoutError'));
    const { value, ms } = await timed(() =>
      waitSkill.execute(params({ ms: 600_000 }), context(controller.signal)),
    );
    expect(value).toMatchObject({ outcome: { code: 'TIMEOUT' }, retryable: true });
    expect(ms).toBeLessThan(100);
  });
});
