import { describe, expect, it } from 'vitest';
import type { ModelPlanner } from '../../domain/agent/agent-planner.js';
import type { Plan } from '../../domain/plan/plan.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { agentSkills } from '../../domain/planning/agent-skills.js';
import { modelPlanProblems } from '../../domain/planning/model-plan-checks.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';

const planner: ModelPlanner = {
  kind: 'llm',
  instructions: '',
  max_steps: 3,
  repair_attempts: 2,
  skills: ['echo', 'http_call'],
};
const planOf = (...steps: Array<Omit<Plan['steps'][number], 'index'>>): Plan => ({
  planner: 'llm',
  planner_version: '1',
  steps: steps.map((step, index) => ({ index, ...step })),
});
const check = (plan: Plan) => modelPlanProblems(plan, planner, defaultRedactionPolicy);

describe("a model's plan, beyond the checks of every plan", () => {
  it('passes with the skills the agent was given, within its step ceiling', () =>
    expect(check(planOf({ skill: 'echo', params: { message: 'a' } }))).toEqual([]));

  it("sees only the agent's skills in the registry it validates with", () => {
    const registry = agentSkills(builtinSkillRegistry(), planner.skills);
    expect(registry.get('wait')).toBeUndefined();
    expect(registry.get('echo')?.name).toBe('echo');
    expect(registry.list().map((skill) => skill.name)).toEqual(['echo', 'http_call']);
  });

  it("counts repeats against the agent's step ceiling", () =>
    expect(check(planOf({ skill: 'echo', params: { message: 'a' }, repeat: 4 }))).toEqual([
      expect.objectContaining({ field: 'steps', message: expect.stringMatching(/at most 3 steps.*got 4/) }),
    ]));

  it('may not use a secret, even one that exists', () =>
    expect(
      check(
        planOf({
          skill: 'http_call',
          params: {
            method: 'GET',
            url: 'https://example.com/',
            headers: { authorization: 'Bearer {{secret:TOKEN}}' },
          },
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        step_index: 0,
        field: 'params.headers.authorization',
        message: expect.stringMatching(/may not use secrets/),
      }),
    ]));

  it('may not write a literal credential under a sensitive key', () =>
    expect(
      check(
        planOf({
          skill: 'http_call',
          params: { method: 'GET', url: 'https://example.com/', headers: { authorization: 'Bearer abc123' } },
        }),
      ).map((p) => p.field),
    ).toEqual(['params.headers.authorization']));
});
