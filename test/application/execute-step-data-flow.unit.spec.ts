import { describe, expect, it } from 'vitest';
import { executeStep } from '../../application/runs/execute-step.js';
import { context, ok, planned, scriptedSkill, setup } from './scripted-skill.js';

// executeStep's data flow: references to earlier steps resolved into the params (and recorded as
// used), and a step that is not run when one cannot be resolved.
describe('executeStep: retries, timeouts, budget, secrets, data flow', () => {
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
});
