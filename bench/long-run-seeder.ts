import { runStreamId } from '../domain/stream-names.js';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { systemClock } from '../adapters/system-clock.js';
import type { AgentRegistered } from '../domain/agent/agent-events.js';
import { appendSealedCompletion } from '../application/runs/sealed-completion.js';
import type { EventStore, GlobalPosition } from '../domain/ports/event-store.js';
import type { Signer } from '../domain/ports/signing-keys.js';
import type { RunEvent } from '../domain/run/run-events.js';
import { emptyRunStream } from '../domain/run/run-stream.js';
import { waitForProjections } from '../adapters/postgres/read-model/catch-up-pass.js';
import { progress } from './progress.js';
import { chain, decide, echoPlan, echoStep } from './run-events.js';

export type LongRun = {
  readonly runId: string;
  readonly steps: number;
  readonly events: number;
  readonly sealed: boolean;
};

const APPEND_BATCH = 1_000;

/** One completed run of `steps` executed echo steps (one plan step with `repeat`), its events made
 * by the domain (decider, chainRunEvents) and appended 1,000 per append at the stream's version,
 * the last append (the completion) with the run's seal signed by `signer`, as the runner does;
 * then projected. */
export const seedLongRun = async (
  pool: pg.Pool,
  store: EventStore,
  agent: AgentRegistered,
  steps: number,
  signer: Signer,
): Promise<LongRun> => {
  const runId = randomUUID();
  const goal = `a long run of ${steps} steps`;
  let stream = emptyRunStream(agent.tenant_id, runId);
  let last: GlobalPosition | null = null;
  const append = async (events: readonly RunEvent[]) => {
    const { toAppend, next } = chain(stream, events, systemClock.now());
    const appended = await store.appendToStream(
      agent.tenant_id,
      runStreamId(runId),
      stream.version,
      toAppend,
    )();
    if (appended._tag === 'Left')
      throw new Error(`appending the long run failed: ${JSON.stringify(appended.left)}`);
    stream = { ...next, lastPosition: appended.right.lastPosition };
    last = appended.right.lastPosition;
  };
  const started = performance.now();
  const opening: RunEvent[] = decide(stream, {
    type: 'CreateRun',
    run_id: runId,
    tenant_id: agent.tenant_id,
    agent_id: agent.agent_id,
    goal,
    origin_system_id: 'bench',
    agent,
  });
  await append(opening);
  await append(decide(stream, { type: 'RecordPlan', plan: echoPlan(1, steps, goal) }));
  await append(decide(stream, { type: 'StartRun' }));
  for (let from = 0; from < steps; from += APPEND_BATCH) {
    const batch: RunEvent[] = [];
    for (let i = from; i < Math.min(steps, from + APPEND_BATCH); i++)
      batch.push({ type: 'StepExecuted', data: echoStep(i, goal) });
    await append(batch);
  }
  const completion = chain(
    stream,
    decide(stream, { type: 'CompleteRun', status: 'succeeded' }),
    systemClock.now(),
  );
  const completed = await appendSealedCompletion(
    { store, clock: systemClock, signer },
    stream,
    completion.toAppend,
    completion.next,
  );
  if (completed._tag === 'Left')
    throw new Error(`completing and sealing the long run failed: ${JSON.stringify(completed.left)}`);
  stream = { ...completion.next, lastPosition: completed.right };
  last = completed.right;
  const appendedMs = performance.now() - started;
  const target = last as GlobalPosition | null;
  if (target === null) throw new Error('the long run has no events');
  const projected = await waitForProjections(pool, store, target, { timeoutMs: 3_600_000 });
  if (projected._tag === 'Left')
    throw new Error(
      `projecting the long run failed: ${JSON.stringify(projected.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  const projectedMs = performance.now() - started - appendedMs;
  progress(
    `  seeded a run of ${steps} steps (${stream.version} events, sealed with its completion): appended in ${(appendedMs / 1000).toFixed(1)} s, projected in ${(projectedMs / 1000).toFixed(1)} s`,
  );
  return { runId, steps, events: stream.version, sealed: true };
};
