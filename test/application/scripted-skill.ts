import { minimalSkillManifest } from '../support/minimal-skill-manifest.js';
import * as t from 'io-ts';
import { JsonObjectC, type JsonObject } from '../../domain/json/json-value.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Skill, SkillContext, SkillResult } from '../../domain/ports/skill.js';
import type { StepContext } from '../../application/runs/execute-step.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';

// What executeStep's unit tests (execute-step-*.unit.spec.ts) run it with: a skill that follows a
// script, a clock that only counts and records the sleeps, and a planned step and its context.

/** A skill whose attempts follow a script; it records what it was called with. */
export const scriptedSkill = (
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

export const ok =
  (data: JsonObject = {}, cost = 0) =>
  async (): Promise<SkillResult> => ({
    status: 'succeeded',
    outcome: { category: 'success', code: 'OK', data },
    cost_cents: cost,
  });
export const fail =
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

export const setup = (skill: Skill<JsonObject>, secrets: Record<string, string> = {}) => {
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

export const context = (overrides: Partial<StepContext> = {}): StepContext => ({
  previousOutcomes: new Map(),
  previousSteps: new Map(),
  allowedHosts: [],
  budgetRemainingCents: 1000,
  ...overrides,
});
export const planned = (params: JsonObject, max_retries = 3, timeout_ms = 1000) => ({
  index: 0,
  skill: 'scripted',
  params,
  max_retries,
  timeout_ms,
});
