import { afterAll, beforeAll } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../../support/cli.js';
import { withSigningKey, type RunJson } from '../../support/cli-fixtures.js';
import {
  startFakeModelServer,
  type FakeModelServer,
  type ModelReply,
} from '../../support/fake-model-server.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';

/**
 * The LLM planner through the built CLI (test/e2e/llm-planner-*.e2e.spec.ts): agents registered
 * with `aos agents create --planner llm`, their runs planned by a scripted OpenAI-compatible server
 * on 127.0.0.1 (test/support/fake-model-server.ts). The server answers with `model.answer`, which a
 * test sets before its run; `model.server.requests()` are the requests it got, in order.
 */
export type PlanningAttemptedData = {
  attempt: number;
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format: string;
  outcome: 'accepted' | 'invalid' | 'failed';
  cost_cents: number;
  validation_errors: Array<{ step_index: number | null; field: string; message: string }>;
  answer?: { content: string; finish_reason: string; model: string };
  failure?: { code: string; message: string; retryable: boolean };
};
export type CliEvent = { seq: number; type: string; data: Record<string, unknown>; link: string };

export const llmPlannerSetup = (extraEnv: NodeJS.ProcessEnv = {}) => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  const model = {
    server: {} as FakeModelServer,
    /** What the server answers to request n (counted from 1 over the whole file). */
    answer: (_n: number): ModelReply => ({ status: 500, body: { error: 'no answer scripted' } }),
  };

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    model.server = await startFakeModelServer((n) => model.answer(n));
    Object.assign(
      env,
      await withSigningKey({
        DATABASE_URL: db.url,
        AOS_LLM_BASE_URL: model.server.baseUrl,
        AOS_LLM_MODEL: 'fake-planner',
        ...extraEnv,
      }),
    );
  });
  afterAll(async () => {
    await model.server.close();
    await db.drop();
  });

  return { db, env, model };
};

/** `aos agents create --planner llm` through the CLI; its agent_id. */
export const createLlmAgent = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  extra: string[] = [],
): Promise<string> => {
  const created = await runCli(
    'aos',
    [
      'agents',
      'create',
      '--tenant-id',
      tenantId,
      '--name',
      'llm agent',
      '--planner',
      'llm',
      '--json',
      ...extra,
    ],
    env,
  );
  if (created.code !== 0) throw new Error(`agents create failed (${created.code}): ${created.stderr}`);
  return jsonOf<{ agent_id: string }>(created).agent_id;
};

/** `aos run --json` of a goal. */
export const runLlmGoal = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  agentId: string,
  goal: string,
): Promise<RunJson & { error?: { code: string; message: string }; result: CliResult }> => {
  const result = await runCli(
    'aos',
    ['run', '--tenant-id', tenantId, '--agent-id', agentId, '--goal', goal, '--json'],
    env,
  );
  return { ...jsonOf<RunJson & { error?: { code: string; message: string } }>(result), result };
};

/** `aos events --json` of a run: its events as the CLI prints them. */
export const cliEvents = async (env: NodeJS.ProcessEnv, tenantId: string, runId: string) => {
  const result = await runCli('aos', ['events', '--tenant-id', tenantId, '--run-id', runId, '--json'], env);
  return { code: result.code, events: jsonOf<{ events: CliEvent[] }>(result).events };
};

/** The data of every PlanningAttempted of an event list. */
export const attemptsIn = (events: readonly CliEvent[]): PlanningAttemptedData[] =>
  events.filter((e) => e.type === 'PlanningAttempted').map((e) => e.data as PlanningAttemptedData);

/** `aos runs get --json` of a run. */
export const runsGet = async (env: NodeJS.ProcessEnv, tenantId: string, runId: string) => {
  const result = await runCli(
    'aos',
    ['runs', 'get', '--tenant-id', tenantId, '--run-id', runId, '--json'],
    env,
  );
  return {
    code: result.code,
    ...jsonOf<{
      status: string;
      error?: { code: string; message: string } | null;
      planning: PlanningAttemptedData[];
    }>(result),
  };
};

/** `aos export` of a run: the bundle's text. */
export const exportRun = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  runId: string,
): Promise<CliResult> => runCli('aos', ['export', '--tenant-id', tenantId, '--run-id', runId], env);
