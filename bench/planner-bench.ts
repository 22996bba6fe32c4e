import * as E from 'fp-ts/lib/Either.js';
import { builtinSkillRegistry } from '../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../adapters/system-clock.js';
import type { ModelPlanningDeps } from '../application/planning/model-planning-deps.js';
import { planWithModel, type ModelPlanning } from '../application/planning/plan-with-model.js';
import { modelPlanningSetting } from '../cli/model-planning-setting.js';
import type { ChatModel } from '../domain/ports/chat-model.js';
import { defaultRedactionPolicy } from '../domain/secrets/redaction-policy.js';
import { figure, limit, measure, type Figure } from './bench-report.js';
import { median, percentile } from './median.js';
import {
  benchAgent,
  benchPlanner,
  benchQueries,
  benchRun,
  PLAN_ANSWER,
  PLAN_USAGE,
  startChatServer,
} from './planner-fixtures.js';
import { progress } from './progress.js';

const MODEL = 'bench-planner-model';
const API_KEY = 'sk-bench-planner-key-0123456789';
const WARM_UP_RUNS = 20;
const GOAL_MS = 20;

/** The planner's dependencies exactly as the CLI wires them from the environment (the openai
 * adapter, prices, the key scrubbed from the record, memory through the read model). */
const productDeps = (baseUrl: string): ModelPlanningDeps => {
  const setting = modelPlanningSetting(
    {
      AOS_LLM_BASE_URL: baseUrl,
      AOS_LLM_MODEL: MODEL,
      AOS_LLM_API_KEY: API_KEY,
      AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '0.015',
      AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS: '0.06',
    },
    {
      clock: systemClock,
      skills: builtinSkillRegistry(),
      redaction: defaultRedactionPolicy,
      queries: benchQueries,
      random: Math.random,
    },
  );
  if (!setting.configured) throw new Error(`planner bench: ${setting.message}`);
  return setting.deps;
};

/** A model that answers at once, with no I/O: what is left is the planner's own work. */
const instantModel: ChatModel = {
  model: MODEL,
  complete: async () =>
    E.right({ content: PLAN_ANSWER, finish_reason: 'stop', usage: PLAN_USAGE, model: MODEL }),
};

/** The peer: the same request body posted with the global fetch (undici) and the answer read. */
const bareExchange = async (url: string, body: string): Promise<void> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body,
  });
  const answer: unknown = await response.json();
  if (!response.ok) throw new Error(`bare exchange: HTTP ${response.status}: ${JSON.stringify(answer)}`);
};

const planned = (planning: ModelPlanning): void => {
  if (planning.outcome.kind !== 'planned' || planning.attempts.length !== 1)
    throw new Error(`planner bench: expected one accepted attempt, got ${JSON.stringify(planning)}`);
};

/** A run's planning as openingCommands does it: the agent's memory read, then planWithModel. */
const planRun = async (deps: ModelPlanningDeps): Promise<ModelPlanning> =>
  planWithModel(
    deps,
    benchRun,
    benchAgent,
    benchPlanner,
    await deps.memory(benchRun.tenant_id, benchRun.agent_id),
  );

/** The time of one planning, checked after the clock stops. */
const timedPlanning = async (deps: ModelPlanningDeps): Promise<number> => {
  const started = performance.now();
  const planning = await planRun(deps);
  const elapsed = performance.now() - started;
  planned(planning);
  return elapsed;
};

const timedExchange = async (url: string, body: string): Promise<number> => {
  const started = performance.now();
  await bareExchange(url, body);
  return performance.now() - started;
};

type Sample = { readonly bare: number; readonly endToEnd: number; readonly pure: number };

type Bench = {
  readonly url: string;
  readonly body: string;
  readonly deps: ModelPlanningDeps;
  readonly pureDeps: ModelPlanningDeps;
};

/** One run of each, one after the other: the peer, the planner over HTTP, the pure planner. */
const sampleOnce = async (bench: Bench): Promise<Sample> => ({
  bare: await timedExchange(bench.url, bench.body),
  endToEnd: await timedPlanning(bench.deps),
  pure: await timedPlanning(bench.pureDeps),
});

const ms = (value: number): string => `${value.toFixed(2)} ms`;

type Series = {
  readonly bare: number[];
  readonly endToEnd: number[];
  /** End to end minus the bare exchange of the same iteration. */
  readonly overhead: number[];
  readonly pure: number[];
};

const seriesOf = (samples: readonly Sample[]): Series => ({
  bare: samples.map((s) => s.bare),
  endToEnd: samples.map((s) => s.endToEnd),
  overhead: samples.map((s) => s.endToEnd - s.bare),
  pure: samples.map((s) => s.pure),
});

const p95 = (samples: readonly number[]): number => percentile(samples, 95);

/** The lines printed after the table: median and p95 of each, and the goal line. */
const summaryLines = (series: Series, header: string): string[] => {
  const row = (name: string, samples: readonly number[]) =>
    `  ${name.padEnd(44)} median ${ms(median(samples)).padStart(9)}   p95 ${ms(p95(samples)).padStart(9)}`;
  const overhead = median(series.overhead);
  return [
    header,
    row('bare exchange (fetch, the same body)', series.bare),
    row('planWithModel end to end (openai adapter)', series.endToEnd),
    row('overhead (end to end minus bare, paired)', series.overhead),
    row('pure planner (a ChatModel answering at once)', series.pure),
    `  (difference of the medians: ${ms(median(series.endToEnd) - median(series.bare))}; the pure planner's part of the overhead: ${ms(median(series.pure))}, the rest is the openai package and the adapter)`,
    `planner overhead per run: ${ms(overhead)} (goal < ${GOAL_MS} ms): ${overhead < GOAL_MS ? 'ok' : 'over'}`,
  ];
};

const withP95 = (label: string, samples: readonly number[]) =>
  measure(label, 'ms', samples, `p95 ${ms(p95(samples))}`);

/** The figures for the table and the JSON file. */
const plannerFigures = (series: Series, sizes: Record<string, number>): Figure[] => [
  figure(
    'LLM planner',
    `overhead per run: planWithModel (openai adapter) minus the bare exchange, paired;\n${series.bare.length} runs after ${WARM_UP_RUNS} warm-up, a local server answering at once`,
    withP95('overhead', series.overhead),
    limit('goal', 'ms', GOAL_MS),
    'ours/goal',
    { text: `< 1× (${GOAL_MS} ms)`, test: (r) => r < 1 },
    {
      ...sizes,
      p95_ms: {
        bare: p95(series.bare),
        end_to_end: p95(series.endToEnd),
        overhead: p95(series.overhead),
        pure: p95(series.pure),
      },
    },
  ),
  figure(
    'LLM planner (diagnostic)',
    'planWithModel end to end beside the bare exchange (the same body posted with fetch)',
    withP95('planWithModel', series.endToEnd),
    withP95('fetch', series.bare),
    'planWithModel/fetch',
    null,
  ),
  figure(
    'LLM planner (diagnostic)',
    'the pure planner (a ChatModel answering at once, no I/O):\nprompt, manifest, answer JSON, validation, redaction',
    withP95('planWithModel', series.pure),
    null,
    null,
    null,
  ),
];

const describeSizes = (sizes: Record<string, number>): string =>
  Object.entries(sizes)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');

/** The request's sizes: the characters of each message, and the body's bytes. */
const requestSizes = (body: string): Record<string, number> => {
  const request = JSON.parse(body) as { messages: { role: string; content: string }[] };
  const sizes: Record<string, number> = {};
  for (const message of request.messages) sizes[`${message.role}_message_chars`] = message.content.length;
  sizes.request_body_bytes = Buffer.byteLength(body);
  return sizes;
};

/**
 * The LLM planner's own cost per run (issue 14): `planWithModel` with the product's openai adapter
 * against a local OpenAI-compatible server that answers at once, minus the bare HTTP exchange of
 * the same body with the same server, timed in turn in the same loop (paired); and the planner
 * without I/O. The model's latency is out of it by construction.
 */
export const plannerBench = async (runs: number): Promise<{ figures: Figure[]; summary: string[] }> => {
  const server = await startChatServer(MODEL);
  try {
    const deps = productDeps(server.baseUrl);
    planned(await planRun(deps));
    const bench: Bench = {
      url: `${server.baseUrl}/chat/completions`,
      body: server.lastBody(),
      deps,
      pureDeps: { ...deps, model: instantModel },
    };
    const sizes = requestSizes(bench.body);
    progress(`planner: request of ${describeSizes(sizes)}; ${WARM_UP_RUNS} warm-up runs, then ${runs}`);
    for (let i = 0; i < WARM_UP_RUNS; i++) await sampleOnce(bench);
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await sampleOnce(bench));
    const series = seriesOf(samples);
    const header = `LLM planner, ${runs} runs after ${WARM_UP_RUNS} warm-up (request: ${describeSizes(sizes)}):`;
    progress(`planner: overhead median ${ms(median(series.overhead))}; ${server.requests()} requests served`);
    return { figures: plannerFigures(series, sizes), summary: summaryLines(series, header) };
  } finally {
    await server.close();
  }
};
