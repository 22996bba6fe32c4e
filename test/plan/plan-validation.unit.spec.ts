import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { JsonObjectC, type JsonObject } from '../../domain/json/json-value.js';
import { validatePlan } from '../../domain/plan/plan-validation.js';
import { MAX_RUN_STEPS, type Plan } from '../../domain/plan/plan.js';
import type { Skill, SkillRegistry } from '../../domain/ports/skill.js';
import { minimalSkillManifest } from '../support/minimal-skill-manifest.js';

/** A skill that declares 10 cents per step: plan validation adds up declared costs. */
const priced: Skill = {
  name: 'priced',
  version: '1',
  description: 'costs 10 cents',
  manifest: minimalSkillManifest,
  params: JsonObjectC as unknown as t.Type<unknown, JsonObject, unknown>,
  isIdempotent: () => true,
  estimateCostCents: () => 10,
  validateInPlan: () => [],
  execute: async () => ({
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data: null },
    cost_cents: 10,
  }),
};
const skills: SkillRegistry = {
  get: (name) => (name === 'priced' ? priced : undefined),
  list: () => [priced],
};
const plan = (...steps: Omit<Plan['steps'][number], 'index'>[]): Plan => ({
  planner: 'template',
  planner_version: '1',
  steps: steps.map((s, index) => ({ ...s, index })),
});
const limits = { budgetCents: 100, allowedHosts: [] };

describe('plan validation: budget, repeats and references', () => {
  it('accepts a plan whose declared cost fits the budget, repeats counted', () => {
    expect(
      validatePlan(
        plan({ skill: 'priced', params: {}, repeat: 9 }, { skill: 'priced', params: {} }),
        skills,
        limits,
      ),
    ).toEqual([]);
  });

  it('refuses a plan whose declared cost exceeds the budget, naming both', () => {
    expect(
      validatePlan(
        plan({ skill: 'priced', params: {}, repeat: 10 }, { skill: 'priced', params: {} }),
        skills,
        limits,
      ),
    ).toEqual([
      { step_index: null, field: 'budget_cents', message: 'plan declares 110 cents, budget is 100' },
    ]);
  });

  it('refuses a run of more than the step limit, repeats counted', () => {
    expect(
      validatePlan(
        plan({ skill: 'priced', params: {}, repeat: MAX_RUN_STEPS }, { skill: 'priced', params: {} }),
        skills,
        { ...limits, budgetCents: Number.MAX_SAFE_INTEGER },
      ),
    ).toEqual([
      {
        step_index: null,
        field: 'steps',
        message: `a run may execute at most ${MAX_RUN_STEPS} steps, repeats counted (got ${MAX_RUN_STEPS + 1})`,
      },
    ]);
  });

  it('checks step references against executed step indexes (after a repeat, the next step is at index first + repeat)', () => {
    const repeated = plan(
      { skill: 'priced', params: {}, repeat: 3 },
      { skill: 'priced', params: { x: '{{steps.2.outcome.data}}' } },
      { skill: 'priced', params: { y: '{{steps.4.outcome}}' } },
    );
    expect(validatePlan(repeated, skills, limits)).toEqual([
      {
        step_index: 2,
        field: 'params.y',
        message: '{{steps.4.outcome}}: step 4 may only use earlier steps (refers to step 4)',
      },
    ]);
  });

  it('refuses unknown skills and wrong indexes', () => {
    const wrong: Plan = {
      planner: 'template',
      planner_version: '1',
      steps: [{ index: 1, skill: 'nope', params: {} }],
    };
    expect(validatePlan(wrong, skills, limits)).toEqual([
      { step_index: 0, field: 'index', message: 'expected index 0, got 1' },
      { step_index: 0, field: 'skill', message: 'unknown skill "nope" (known: priced)' },
    ]);
  });
});
