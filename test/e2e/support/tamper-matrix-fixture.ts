import { afterAll, beforeAll, expect } from 'vitest';
import { jsonOf, runCli } from '../../support/cli.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';
import { withSigningKey } from '../../support/cli-fixtures.js';
import { registerAgent, runInProcess } from '../../support/in-process-fixtures.js';

/**
 * docs/RUNPROOF-FORMAT.md "What must be detected", one test per row (test/e2e/tamper-matrix-*.e2e.spec.ts):
 * each tampers with a fresh sealed run the way a superuser could (triggers bypassed) and expects
 * `aos proof` to exit 1, FAILED, and the first divergence named exactly. The run: RunCreated 0,
 * RunPlanned 1, RunStarted 2, StepExecuted 3, 4, 5, RunCompleted 6.
 */
export const TENANT = 'tenant-matrix';
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
  { skill: 'echo', params: { message: 'third {{goal}}' } },
];
export const MIDDLE_STEP = 4;
export const LAST_SEQ = 6;
/** The same UTC date and time, 4,051 years earlier: YYYY prints 2026 for both. */
export const SAME_TIME_BC = (column: string) =>
  `(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00 BC')::timestamptz`;

export type Divergence = {
  source: string;
  seq: number | null;
  field: string;
  expected: unknown;
  actual: unknown;
};
type ProofJson = {
  integrity: {
    verification_status: string;
    chain_length: number;
    root_hash: string | null;
    failure_reason: string | null;
    divergence: Divergence | null;
  };
  seal: { status: string; key_id: string | null; ledger_index: number | null; sealed_at: string | null };
};
type EventRow = { seq: number; type: string; data: string; recorded_at: string; link: string };

/**
 * The matrix's database (one per test file), signing key and agent, set up by the hooks this
 * registers in the calling describe. `db` and `env` are filled in place by beforeAll, so a test
 * reads them as it would its own.
 */
export const tamperMatrix = () => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  let agentId: string;

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url }));
    agentId = await registerAgent(env, TENANT, STEPS);
  });
  afterAll(async () => db.drop());

  /** A sealed run to tamper with, run in this process (the tests are about `aos proof`, not `aos run`). */
  const freshRun = async () => {
    const run = await runInProcess(env, TENANT, agentId);
    expect(run.status).toBe('succeeded');
    expect(run.integrity.verification_status).toBe('VERIFIED');
    expect(run.seal.status).toBe('sealed');
    expect(run.integrity.chain_length).toBe(LAST_SEQ + 1);
    return { runId: run.run_id, stream: `aos-run-${run.run_id}`, rootHash: run.integrity.root_hash };
  };
  const prove = async (runId: string) => {
    const result = await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    return { code: result.code, ...jsonOf<ProofJson>(result) };
  };
  /** Asserts the proof failed (exit 1) and returns its first divergence. */
  const failedProof = async (runId: string): Promise<Divergence> => {
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.verification_status).toBe('FAILED');
    expect(proof.integrity.failure_reason).toEqual(expect.any(String));
    expect(proof.integrity.divergence).not.toBeNull();
    return proof.integrity.divergence as Divergence;
  };
  const readEvents = async (stream: string) =>
    (
      await db.pool.query<EventRow>(
        'SELECT seq, type, data, recorded_at, link FROM aos_events WHERE stream_id = $1 ORDER BY seq',
        [stream],
      )
    ).rows;
  const rebuildProjections = async () => {
    const rebuilt = await runCli('aos-int', ['projections', 'rebuild', '--json'], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
  };

  return { db, env, freshRun, prove, failedProof, readEvents, rebuildProjections };
};
