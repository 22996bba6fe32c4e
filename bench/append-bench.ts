import { runStreamId } from '../domain/stream-names.js';
import { comparePositions, type GlobalPosition } from '../domain/ports/event-store.js';
import { executeRun } from '../application/runs/execute-run.js';
import type { JsonObject } from '../domain/json/json-value.js';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import { catchUpProjections, waitForProjections } from '../adapters/postgres/read-model/catch-up-pass.js';
import type { BenchDatabase } from './bench-database.js';
import { pause } from './progress.js';
import { BENCH_TENANT, registerEchoAgent, runExecutionDeps } from './product-wiring.js';
import { startCpuMeter, startWalMeter } from './wal-meter.js';
import { runWorkers } from './workers.js';

export type AppendSample = {
  readonly runs: number;
  readonly events: number;
  readonly ms: number;
  readonly eventsPerSecond: number;
  /** Ours with projections: from the last append to the projections holding every event. */
  readonly projectionDrainMs: number | null;
  /** Ours with projections: catch-up passes (transactions) the projector loop made while the runners wrote. */
  readonly projectorPasses: number | null;
  /** WAL the server wrote per event (appends, and projections when on). */
  readonly walBytesPerEvent: number;
  /** CPU of this process (runners, projector, pg client) per event. */
  readonly nodeCpuMsPerEvent: number;
};

/** The events of one run as our side wrote them: what the Emmett side appends. */
export type EventShape = { readonly type: string; readonly data: JsonObject };

/** 6 echo steps: RunCreated, RunPlanned, RunStarted, 6 StepExecuted, RunCompleted = 10 events. */
export const APPEND_ECHO_STEPS = 6;

/** The projector loop's pause between catch-up passes. */
const PROJECTOR_INTERVAL_MS = 10;

const later = (a: GlobalPosition | null, b: GlobalPosition | null): GlobalPosition | null =>
  a === null ? b : b === null ? a : comparePositions(a, b) >= 0 ? a : b;

const positionJson = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Our write path: `runs` runs through `executeRun` (decide, chain, append: the opening events
 * together, then the echo steps with the completion, or, without `pureSteps`, each step on its
 * own as for skills with effects) by `runners`
 * concurrent workers in this process, while (with `project`) a projector loop catches the
 * projections up; the clock stops when every run is done and the projections hold every event.
 * Each run is sealed with its completion (the seal in the completion's transaction), as in the
 * product. Without `project`, the write path alone (a diagnostic). */
export const appendOurs = async (
  database: BenchDatabase,
  runners: number,
  runs: number,
  project: boolean,
  pureSteps = true,
): Promise<{ sample: AppendSample; shape: EventShape[] }> => {
  const pool = database.pool(runners + 2);
  const store = postgresEventStore(pool);
  const deps = runExecutionDeps(store, { pureSteps });
  const agent = await registerEchoAgent(store, BENCH_TENANT, APPEND_ECHO_STEPS);
  let last: GlobalPosition | null = null;
  let events = 0;
  const execute = async (goal: string) => {
    const run = await executeRun(deps, {
      tenant_id: BENCH_TENANT,
      agent_id: agent.agent_id,
      goal,
      origin_system_id: 'bench',
    });
    if (run._tag === 'Left') throw new Error(`run failed to record: ${JSON.stringify(run.left)}`);
    if (run.right.status !== 'succeeded')
      throw new Error(`bench run ${run.right.run_id} ended ${run.right.status}`);
    last = later(last, run.right.stream.lastPosition);
    events += run.right.chain_length;
    return run.right;
  };
  const catchUp = async () => {
    const target = last as GlobalPosition | null;
    if (target === null) return;
    const done = await waitForProjections(pool, store, target, { timeoutMs: 600_000 });
    if (done._tag === 'Left') throw new Error(`projection failed: ${positionJson(done.left)}`);
  };

  // Warm-up (untimed): connections, JIT, the agent's projection; one run gives the event shapes.
  const first = await execute('warm-up run 0');
  await runWorkers(runners, runners * 2, (i) => execute(`warm-up run ${i + 1}`).then(() => undefined));
  if (project) await catchUp();
  const stored = await store.readStream(BENCH_TENANT, runStreamId(first.run_id))();
  if (stored._tag === 'Left') throw new Error(`reading the warm-up run: ${JSON.stringify(stored.left)}`);
  const shape = stored.right.map((e) => ({ type: e.type, data: JSON.parse(e.dataCanonical) as JsonObject }));
  events = 0;

  const wal = await startWalMeter(pool);
  const cpu = startCpuMeter();
  const started = performance.now();
  let writing = true;
  let passes = 0;
  const projector = (async () => {
    while (project && writing) {
      const pass = await catchUpProjections(pool, store);
      if (pass._tag === 'Left') throw new Error(`projection failed: ${positionJson(pass.left)}`);
      passes += 1;
      await pause(PROJECTOR_INTERVAL_MS);
    }
  })();
  try {
    await runWorkers(runners, runs, (i) => execute(`bench run ${i}`).then(() => undefined));
  } finally {
    writing = false;
    await projector;
  }
  const written = performance.now();
  if (project) await catchUp();
  const ms = performance.now() - started;
  const cpuMs = cpu.ms();
  return {
    sample: {
      runs,
      events,
      ms,
      eventsPerSecond: (events / ms) * 1000,
      projectionDrainMs: project ? performance.now() - written : null,
      projectorPasses: project ? passes : null,
      walBytesPerEvent: (await wal.bytes()) / events,
      nodeCpuMsPerEvent: cpuMs / events,
    },
    shape,
  };
};
