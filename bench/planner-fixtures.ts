import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunQueries, RunSummary } from '../application/ports/read-model.js';
import type { AgentRegistered } from '../domain/agent/agent-events.js';
import type { ModelPlanner } from '../domain/agent/agent-planner.js';
import type { RunCreated } from '../domain/run/run-events.js';

/** The model's answer: a valid 3-step plan of the agent's skills. */
export const PLAN_ANSWER = JSON.stringify({
  steps: [
    { skill: 'echo', params: { message: 'Collect the order totals of week 47 for store 12' } },
    { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
    { skill: 'echo', params: { message: 'Summary: {{steps.1.outcome.data}}' } },
  ],
});

/** Usage as a server reports it for a prompt of this size. */
export const PLAN_USAGE = { prompt_tokens: 2_150, completion_tokens: 96, total_tokens: 2_246 };

const TENANT = 'tenant-bench';
const AGENT = 'agent-planner-bench';

export const benchPlanner: ModelPlanner = {
  kind: 'llm',
  instructions: [
    'You prepare the weekly sales summary of one store for the regional manager.',
    'Fetch nothing you were not asked for; prefer json_transform to reshape data over asking again.',
    'Keep every message short and factual; never include customer names, e-mail addresses or card numbers.',
    'When the goal names a week, use ISO weeks; when it names a store, use its number as written.',
    'If the goal is unclear, write a one-step plan that echoes what is missing.',
  ].join('\n'),
  max_steps: 10,
  repair_attempts: 2,
  skills: ['echo', 'json_transform', 'http_call', 'wait'],
};

export const benchAgent: AgentRegistered = {
  schema_version: 2,
  agent_id: AGENT,
  tenant_id: TENANT,
  name: 'weekly sales summary',
  planner: benchPlanner,
  budget_cents: 200,
  allowed_hosts: ['reports.internal.example'],
};

export const benchRun: RunCreated = {
  run_id: 'run-planner-bench',
  tenant_id: TENANT,
  agent_id: AGENT,
  goal: 'Summarize the sales of store 12 for ISO week 47 and flag any day below 1,200 EUR',
  origin_system_id: 'bench',
  budget_cents: 200,
};

const step = (index: number, skill: string, params: Record<string, string | number>) => ({
  index,
  skill,
  params,
  max_retries: 0,
  timeout_ms: 60_000,
  on_failure: 'stop',
});

/** One of the agent's earlier runs as the read model holds it: its stored plan (step defaults
 * written) and outcome. */
const earlierRun = (week: number, store: number, failed: boolean): RunSummary => ({
  run_id: `run-week-${week}`,
  tenant_id: TENANT,
  agent_id: AGENT,
  goal: `Summarize the sales of store ${store} for ISO week ${week} and flag any day below 1,200 EUR`,
  origin_system_id: 'scheduler',
  budget_cents: 200,
  status: failed ? 'failed' : 'succeeded',
  attempt: 1,
  observation: null,
  plan: {
    planner: 'llm',
    planner_version: '1',
    steps: [
      step(0, 'http_call', {
        method: 'GET',
        url: `https://reports.internal.example/stores/${store}/sales?week=2026-W${week}`,
      }),
      step(1, 'json_transform', {
        expression: 'body.days[?total < `1200`].{day: date, total: total}',
        input_from_step: 0,
      }),
      step(2, 'echo', {
        message: `Store ${store}, week ${week}: days below 1,200 EUR: {{steps.1.outcome.data}}`,
      }),
    ],
  },
  error: failed
    ? {
        code: 'STEP_FAILED',
        message: 'step 0 (http_call): the server answered HTTP 503 after 2 retries',
        step_index: 0,
      }
    : null,
  created_at: `2026-11-${String(week - 30).padStart(2, '0')}T07:15:40.102Z`,
  completed_at: `2026-11-${String(week - 30).padStart(2, '0')}T07:15:42.318Z`,
  chain_length: failed ? 7 : 10,
});

/** The agent's last 5 completed runs, newest first; one of them failed. */
const EARLIER_RUNS: readonly RunSummary[] = [46, 45, 44, 43, 42].map((week, i) =>
  earlierRun(week, i === 3 ? 7 : 12, i === 2),
);

const unused = (): never => {
  throw new Error('the planner bench reads only completedRunsOfAgent');
};

/** A read model that answers the planner's memory query at once with those runs. */
export const benchQueries: RunQueries = {
  completedRunsOfAgent: async (_tenantId, _agentId, limit) => EARLIER_RUNS.slice(0, limit),
  getRun: unused,
  pageRuns: unused,
  listRuns: unused,
  listAgents: unused,
  projectionStatus: unused,
};

/** A local OpenAI-compatible server that answers every chat completion at once with the plan. */
export type ChatServer = {
  readonly baseUrl: string;
  /** The last request body it was sent, as received. */
  readonly lastBody: () => string;
  readonly requests: () => number;
  readonly close: () => Promise<void>;
};

const completionBody = (model: string): string =>
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_764_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: PLAN_ANSWER },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: PLAN_USAGE,
  });

export const startChatServer = async (model: string): Promise<ChatServer> => {
  const answer = Buffer.from(completionBody(model));
  let last = '';
  let count = 0;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      last = Buffer.concat(chunks).toString('utf8');
      count++;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      response.end(answer);
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    lastBody: () => last,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
