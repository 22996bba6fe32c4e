import { describe, expect, it } from 'vitest';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import type { ModelPlanningDeps } from '../../application/planning/model-planning-deps.js';
import { planWithModel } from '../../application/planning/plan-with-model.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import type { ModelPlanner } from '../../domain/agent/agent-planner.js';
import type { ChatFailure } from '../../domain/ports/chat-model.js';
import type { RunMemory } from '../../domain/planning/planning-prompt.js';
import type { RunCreated } from '../../domain/run/run-events.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { scriptedChatModel, type ScriptedAnswer } from '../support/scripted-chat-model.js';

const planner: ModelPlanner = {
  kind: 'llm',
  instructions: 'Echo what you are asked.',
  max_steps: 3,
  repair_attempts: 2,
  skills: ['echo', 'json_transform'],
};
const agent: AgentRegistered = {
  schema_version: 2,
  agent_id: 'agent-1',
  tenant_id: 'tenant-a',
  name: 'planner agent',
  planner,
  budget_cents: 50,
  allowed_hosts: [],
};
const run: RunCreated = {
  run_id: 'run-1',
  tenant_id: 'tenant-a',
  agent_id: 'agent-1',
  goal: 'say hello',
  origin_system_id: 'unit',
  budget_cents: 50,
};
const VALID = JSON.stringify({ steps: [{ skill: 'echo', params: { message: 'hello' } }] });
const UNKNOWN_SKILL = JSON.stringify({ steps: [{ skill: 'shell', params: { cmd: 'ls' } }] });
const SERVER_ERROR: ChatFailure = { kind: 'http_status', status: 500, detail: 'boom', retryable: true };

const setUp = (script: readonly ScriptedAnswer[], overrides: Partial<ModelPlanningDeps> = {}) => {
  const scripted = scriptedChatModel(script);
  const slept: number[] = [];
  const deps: ModelPlanningDeps = {
    model: scripted.model,
    clock: {
      now: () => new Date().toISOString(),
      monotonicMs: () => 0,
      sleep: async (ms) => void slept.push(ms),
    },
    skills: builtinSkillRegistry(),
    redaction: defaultRedactionPolicy,
    memory: async (): Promise<RunMemory[]> => [],
    costCents: () => 2,
    timeoutMs: 1000,
    secretValues: ['sk-very-secret-key'],
    random: () => 0.5,
    ...overrides,
  };
  return { deps, requests: scripted.requests, slept };
};

describe('planWithModel', () => {
  it('given a valid answer, it records one accepted attempt and returns the plan with step defaults', async () => {
    const { deps, requests } = setUp([{ content: VALID }]);
    const memory: RunMemory[] = [
      {
        goal: 'say goodbye',
        status: 'failed',
        plan: null,
        error: { code: 'STEP_FAILED' },
        completed_at: null,
      },
    ];
    const planning = await planWithModel(deps, run, agent, planner, memory);
    expect(planning.outcome).toEqual({
      kind: 'planned',
      plan: {
        planner: 'llm',
        planner_version: '1',
        steps: [
          {
            index: 0,
            skill: 'echo',
            params: { message: 'hello' },
            max_retries: 0,
            timeout_ms: 60000,
            on_failure: 'stop',
          },
        ],
      },
    });
    expect(planning.attempts).toHaveLength(1);
    expect(planning.attempts[0]).toMatchObject({
      attempt: 1,
      outcome: 'accepted',
      cost_cents: 2,
      validation_errors: [],
    });
    expect(requests[0]?.response_schema?.name).toBe('plan');
    expect(requests[0]?.messages[1]?.content).toContain('"goal":"say goodbye","status":"failed"');
  });

  it('given an unknown skill, it sends the answer back with the problem and takes the repaired plan', async () => {
    const { deps, requests } = setUp([{ content: UNKNOWN_SKILL }, { content: VALID }]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(planning.outcome.kind).toBe('planned');
    expect(planning.attempts.map((a) => a.outcome)).toEqual(['invalid', 'accepted']);
    expect(planning.attempts[0]?.validation_errors[0]?.message).toMatch(/unknown skill "shell"/);
    const repair = requests[1]?.messages ?? [];
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: UNKNOWN_SKILL });
    expect(repair.at(-1)?.content).toMatch(/refused:\n- steps\[0\]\.skill: unknown skill "shell"/);
  });

  it("refuses a skill that exists but is not the agent's, naming only the agent's skills", async () => {
    const { deps, requests } = setUp([
      { content: JSON.stringify({ steps: [{ skill: 'wait', params: { ms: 1 } }] }) },
      { content: VALID },
    ]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(planning.outcome.kind).toBe('planned');
    expect(planning.attempts[0]?.validation_errors).toEqual([
      { step_index: 0, field: 'skill', message: 'unknown skill "wait" (known: echo, json_transform)' },
    ]);
    expect(requests[0]?.messages[0]?.content).not.toMatch(/"name":"(wait|http_call|llm_invoke)"/);
  });

  it('given answers that are never valid, it fails PLANNING_FAILED after 1 + repair_attempts attempts', async () => {
    const { deps, requests } = setUp([{ content: UNKNOWN_SKILL }]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(requests).toHaveLength(3);
    expect(planning.attempts.map((a) => a.outcome)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(planning.outcome).toEqual({
      kind: 'failed',
      error: {
        code: 'PLANNING_FAILED',
        message: expect.stringMatching(/no valid plan after 3 attempt.*shell/),
      },
    });
  });

  it('given a 500, it records the failure, backs off and asks again', async () => {
    const { deps, slept } = setUp([{ failure: SERVER_ERROR }, { content: VALID }]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(planning.outcome.kind).toBe('planned');
    expect(planning.attempts[0]).toMatchObject({
      outcome: 'failed',
      cost_cents: 0,
      failure: { code: 'HTTP_500', retryable: true },
    });
    expect(slept).toHaveLength(1);
  });

  it('given a failure that will not pass (401), it stops at once', async () => {
    const unauthorized: ChatFailure = {
      kind: 'http_status',
      status: 401,
      detail: 'bad key',
      retryable: false,
    };
    const { deps, requests } = setUp([{ failure: unauthorized }, { content: VALID }]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(requests).toHaveLength(1);
    expect(planning.outcome).toMatchObject({ kind: 'failed', error: { code: 'PLANNING_FAILED' } });
  });

  it('given an endpoint refusing response_format, it asks again without it', async () => {
    const refused: ChatFailure = {
      kind: 'http_status',
      status: 400,
      detail: "Unsupported parameter: 'response_format'",
      retryable: false,
    };
    const { deps, requests } = setUp([{ failure: refused }, { content: `Plan:\n${VALID}` }]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(planning.outcome.kind).toBe('planned');
    expect(requests[0]?.response_schema).toBeDefined();
    expect(requests[1]?.response_schema).toBeUndefined();
    expect(planning.attempts.map((a) => a.response_format)).toEqual(['json_schema', 'none']);
  });

  it('counts what planning costs against the budget, and stops once it is spent', async () => {
    const { deps, requests } = setUp([{ content: UNKNOWN_SKILL }], { costCents: () => 30 });
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(planning.outcome).toMatchObject({
      kind: 'failed',
      error: { message: expect.stringMatching(/planning cost 60 cents, over the run's budget of 50/) },
    });
    expect(requests).toHaveLength(2);
  });

  it('records an answer holding U+0000 with U+FFFD in its place (Postgres cannot store it)', async () => {
    const { deps } = setUp([
      { content: `{"steps":[{"skill":"ec\u0000ho","params":{}}]}` },
      { content: VALID },
    ]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(planning.outcome.kind).toBe('planned');
    expect(JSON.stringify(planning.attempts)).not.toContain('\\u0000');
    expect(planning.attempts[0]?.answer?.content).toContain('ec\uFFFDho');
  });

  it('never records the API key, even when the server echoes it', async () => {
    const echoed: ChatFailure = {
      kind: 'http_status',
      status: 401,
      detail: 'invalid key sk-very-secret-key',
      retryable: false,
    };
    const { deps } = setUp([{ failure: echoed }]);
    const planning = await planWithModel(deps, run, agent, planner, []);
    expect(JSON.stringify(planning)).not.toContain('sk-very-secret-key');
    expect(planning.attempts[0]?.failure?.message).toContain('[REDACTED]');
    expect(planning.outcome).toMatchObject({
      kind: 'failed',
      error: { message: expect.stringContaining('[REDACTED]') },
    });
  });
});
