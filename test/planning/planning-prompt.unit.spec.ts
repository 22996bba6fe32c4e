import { describe, expect, it } from 'vitest';
import {
  planningMessages,
  repairMessages,
  type PlanningContext,
} from '../../domain/planning/planning-prompt.js';

const context: PlanningContext = {
  goal: 'Fetch the weather for Paris',
  instructions: 'You fetch weather reports.',
  manifest: [{ name: 'http_call', description: 'an HTTP request', params_schema: { type: 'object' } }],
  budgetLeftCents: 40,
  maxSteps: 5,
  allowedHosts: ['api.weather.test'],
  memory: [
    { goal: 'Fetch the weather for Rome', status: 'succeeded', plan: null, error: null, completed_at: null },
  ],
};

describe('the planning request', () => {
  it('is a system message with the rules, instructions and manifest, and a user message with the run', () => {
    const [system, user, ...rest] = planningMessages(context);
    expect(rest).toEqual([]);
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('You fetch weather reports.');
    expect(system?.content).toContain('"name":"http_call"');
    expect(system?.content).toContain('At most 5 steps');
    expect(system?.content).toContain('within 40 cents');
    expect(system?.content).toContain('api.weather.test');
    expect(user?.role).toBe('user');
    const data = JSON.parse(user?.content.slice(user.content.indexOf('{')) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(data).toEqual({
      goal: 'Fetch the weather for Paris',
      budget_left_cents: 40,
      max_steps: 5,
      earlier_runs: [expect.objectContaining({ goal: 'Fetch the weather for Rome', status: 'succeeded' })],
    });
  });

  it('keeps the goal out of the system message: it is data, not instructions', () =>
    expect(planningMessages(context)[0]?.content).not.toContain('Paris'));

  it('sends a refused answer back with every problem on its own line', () => {
    const sent = planningMessages(context);
    const next = repairMessages(sent, '{"steps":[]}', [
      { step_index: null, field: 'steps', message: 'a plan needs at least one step; really' },
      { step_index: 0, field: 'skill', message: 'unknown skill "x"' },
    ]);
    expect(next.slice(0, 2)).toEqual(sent);
    expect(next[2]).toEqual({ role: 'assistant', content: '{"steps":[]}' });
    expect(next[3]?.content).toContain(
      '- steps: a plan needs at least one step; really\n- steps[0].skill: unknown skill "x"',
    );
  });
});
