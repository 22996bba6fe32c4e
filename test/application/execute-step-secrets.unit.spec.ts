import { describe, expect, it } from 'vitest';
import { executeStep } from '../../application/runs/execute-step.js';
import { context, ok, planned, scriptedSkill, setup } from './scripted-skill.js';

// executeStep and secrets: a {{secret:NAME}} resolved for the call only and redacted from what is
// recorded, a literal credential redacted, a missing secret failing the step, and no secret
// reference taken from an earlier step's outcome.
describe('executeStep: retries, timeouts, budget, secrets, data flow', () => {
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
});
