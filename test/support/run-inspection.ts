import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { jsonOf, runCli } from './cli.js';

/** Polls `probe` until it returns something other than undefined (a condition, never a fixed sleep). */
export const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
};

export type StoredEvent = { seq: number; type: string; data: Record<string, unknown> };

/** The run's events as stored, data parsed. */
export const runEvents = async (pool: pg.Pool, runId: string): Promise<StoredEvent[]> => {
  const { rows } = await pool.query<{ seq: number; type: string; data: string }>(
    'SELECT seq, type, data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
    [`aos-run-${runId}`],
  );
  return rows.map((r) => ({ seq: r.seq, type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
};

export const typesOf = (events: readonly StoredEvent[]): string[] => events.map((e) => e.type);

/** step_index of every StepExecuted, in stream order. */
export const executedStepIndexes = (events: readonly StoredEvent[]): unknown[] =>
  events.filter((e) => e.type === 'StepExecuted').map((e) => e.data.step_index);

/** attempt of every RunStarted, in stream order. */
export const startedAttempts = (events: readonly StoredEvent[]): unknown[] =>
  events.filter((e) => e.type === 'RunStarted').map((e) => e.data.attempt);

export const traceStepIndexes = async (pool: pg.Pool, runId: string): Promise<number[]> =>
  (
    await pool.query<{ step_index: number }>(
      'SELECT step_index FROM aos_trace_steps WHERE run_id = $1 ORDER BY seq',
      [runId],
    )
  ).rows.map((r) => r.step_index);

export type ProofJson = {
  integrity: {
    verification_status: string;
    chain_length: number;
    root_hash: string | null;
    failure_reason: string | null;
    divergence: unknown;
  };
  seal: { status: string; key_id: string | null; ledger_index: number | null };
};

/** `aos proof --json` of a run, with its exit code. */
export const proveRun = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  runId: string,
): Promise<ProofJson & { code: number | null; stdout: string; stderr: string }> => {
  const result = await runCli('aos', ['proof', '--tenant-id', tenantId, '--run-id', runId, '--json'], env);
  return { ...jsonOf<ProofJson>(result), code: result.code, stdout: result.stdout, stderr: result.stderr };
};

/** Asserts nothing itself: the proof verdict and seal in one value, for a single toEqual. */
export const verdictOf = (proof: ProofJson & { code: number | null }) => ({
  code: proof.code,
  verification_status: proof.integrity.verification_status,
  divergence: proof.integrity.divergence,
  seal: proof.seal.status,
});
