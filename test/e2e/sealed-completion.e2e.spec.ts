import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { genesisLink, nextLink } from '../../domain/proof/hash-chain.js';
import { leafHash } from '../../domain/proof/leaf.js';
import { fromHex, toHex } from '../../domain/proof/sha256.js';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { runIdsOf } from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { proveRun, runEvents, typesOf, verdictOf } from '../support/run-inspection.js';

/**
 * A completed run without a seal is a failure, never a state: a run is sealed in the transaction
 * that completes it, so a completed run lacks a seal only when the seal was removed (or the run
 * completed before that rule, and an operator seals it late). The run: RunCreated 0, RunPlanned 1,
 * RunStarted 2, StepExecuted 3 and 4, RunCompleted 5.
 */
const MIDDLE_STEP = 3;
const MISSING_SEAL = /completed but the tenant ledger holds no seal/;

type EventRow = { seq: number; type: string; data: string; recorded_at: string; link: string };
type ErrorJson = { error: { code: string; message: string } };

describe('runs sealed with their completion', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
  });
  afterAll(async () => db.drop());

  const sealedRun = async (tenant: string) => {
    const run = await runGoal(env, tenant, await registerAgent(env, tenant, echoSteps));
    expect(run.result.code, run.result.stderr).toBe(0);
    return run;
  };
  const eventCount = async () =>
    Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM aos_events')).rows[0]?.n);
  const ledgerOf = async (tenant: string) =>
    (
      await db.pool.query<{ seq: number; data: string; tx: string }>(
        'SELECT seq, data, transaction_id::text AS tx FROM aos_events WHERE stream_id = $1 ORDER BY seq',
        [`aos-ledger-${tenant}`],
      )
    ).rows;
  /** What someone with full write access does: one step's cost changed, every later link
   * recomputed, the run's seal and its index row and the tenant's ledger entries deleted, the
   * projections rebuilt. */
  const rewriteAndUnseal = async (tenant: string, runId: string) => {
    const stream = `aos-run-${runId}`;
    const events = (
      await db.pool.query<EventRow>(
        'SELECT seq, type, data, recorded_at, link FROM aos_events WHERE stream_id = $1 ORDER BY seq',
        [stream],
      )
    ).rows;
    let link = fromHex(events[MIDDLE_STEP - 1]?.link ?? toHex(genesisLink(tenant, runId)));
    for (const event of events.slice(MIDDLE_STEP)) {
      const data =
        event.seq === MIDDLE_STEP
          ? canonicalJson({ ...(JSON.parse(event.data) as JsonObject), cost_cents: 250 })
          : event.data;
      const leaf = {
        tenant_id: tenant,
        run_id: runId,
        seq: event.seq,
        type: event.type,
        recorded_at: event.recorded_at,
      };
      link = nextLink(link, leafHash({ ...leaf, dataCanonical: data }));
      await tamper(db.pool, 'UPDATE aos_events SET data = $3, link = $4 WHERE stream_id = $1 AND seq = $2', [
        stream,
        event.seq,
        data,
        toHex(link),
      ]);
    }
    expect(await tamper(db.pool, 'DELETE FROM aos_run_seals WHERE run_id = $1', [runId])).toBe(1);
    expect(
      await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1', [`aos-ledger-${tenant}`]),
    ).toBeGreaterThan(0);
    const rebuilt = await runCli('aos-int', ['projections', 'rebuild', '--json'], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
  };

  it('seals a normal run in the transaction of its RunCompleted: VERIFIED and sealed', async () => {
    const tenant = 'tenant-sealed-normally';
    const run = await sealedRun(tenant);
    expect(verdictOf(await proveRun(env, tenant, run.run_id))).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
    const completed = (
      await db.pool.query<{ tx: string }>(
        "SELECT transaction_id::text AS tx FROM aos_events WHERE stream_id = $1 AND type = 'RunCompleted'",
        [`aos-run-${run.run_id}`],
      )
    ).rows;
    const ledger = await ledgerOf(tenant);
    expect(ledger).toHaveLength(1);
    expect(JSON.parse(ledger[0]!.data)).toMatchObject({
      checkpoint: { run_id: run.run_id, chain_length: 6 },
    });
    expect(ledger[0]!.tx).toBe(completed[0]?.tx);
  });

  describe('a sealed run rewritten by a superuser, its seal and the tenant ledger entries deleted, the projections rebuilt', () => {
    const tenant = 'tenant-rewritten-unsealed';
    let runId: string;
    beforeAll(async () => {
      runId = (await sealedRun(tenant)).run_id;
      await rewriteAndUnseal(tenant, runId);
    });

    it('aos proof: FAILED, exit 1, the reason naming the missing seal', async () => {
      const proof = await proveRun(env, tenant, runId);
      expect(verdictOf(proof)).toEqual({
        code: 1,
        verification_status: 'FAILED',
        divergence: {
          source: 'checkpoint',
          seq: null,
          field: 'checkpoint',
          expected: 'present',
          actual: null,
        },
        seal: 'unsealed',
      });
      expect(proof.integrity.failure_reason).toMatch(MISSING_SEAL);
      const text = await runCli('aos', ['proof', '--tenant-id', tenant, '--run-id', runId], env);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('Verification status: FAILED');
      expect(text.stdout).toContain('seal: NONE - the run completed but has no seal');
    });

    it('aos-int verify-all: exit 1, the run among the failed, counted as completed without a seal', async () => {
      const swept = await runCli('aos-int', ['verify-all', '--tenant-id', tenant, '--json'], env);
      expect(swept.code).toBe(1);
      expect(jsonOf(swept)).toMatchObject({
        runs: 1,
        verified: 0,
        failed: 1,
        unsealed: 1,
        failed_runs: [{ run_id: runId, reason: expect.stringMatching(MISSING_SEAL) }],
      });
    });

    it('aos runs resume: refuses (exit 1), names the missing seal, and appends nothing', async () => {
      const before = await eventCount();
      const resumed = await runCli(
        'aos',
        ['runs', 'resume', '--tenant-id', tenant, '--run-id', runId, '--json'],
        env,
      );
      expect(resumed.code).toBe(1);
      const { error } = jsonOf<ErrorJson>(resumed);
      expect(error.code).toBe('completed_without_seal');
      expect(error.message).toMatch(/no seal of it/);
      expect(error.message).toMatch(MISSING_SEAL);
      expect(await eventCount()).toBe(before);
      expect(await ledgerOf(tenant)).toEqual([]);
    });
  });

  // Given a transaction that holds the ledger's next position (an insert not yet committed), when a
  // run completes with a lock timeout, then its completion's transaction gives up: neither its
  // RunCompleted nor its seal lands, the run stays open, seal-late refuses it as not completed,
  // and once the ledger is free resume completes and seals it.
  it('leaves neither RunCompleted nor the seal when the seal cannot be appended (a lock timeout), and resume completes the run', async () => {
    const tenant = 'tenant-seal-blocked';
    const agentId = await registerAgent(env, tenant, echoSteps);
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at)
         VALUES ($1, $2, 0, 'Blocker', '{}', '2026-01-01T00:00:00.000Z')`,
        [`aos-ledger-${tenant}`, tenant],
      );
      const ran = await runCli(
        'aos',
        ['run', '--tenant-id', tenant, '--agent-id', agentId, '--goal', 'blocked', '--json'],
        { ...env, PGOPTIONS: '-c lock_timeout=500' },
      );
      expect(ran.code, ran.stderr).toBe(4);
      expect(jsonOf<ErrorJson>(ran).error.message).toMatch(/lock timeout/);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    const [runId = ''] = await runIdsOf(db.pool, tenant);
    expect(typesOf(await runEvents(db.pool, runId))).toEqual(['RunCreated', 'RunPlanned', 'RunStarted']);
    expect(await ledgerOf(tenant)).toEqual([]);
    const sealLate = await runCli(
      'aos-int',
      ['runs', 'seal-late', '--tenant-id', tenant, '--run-id', runId, '--by', 'ops', '--json'],
      env,
    );
    expect(sealLate.code).toBe(1);
    expect(jsonOf<ErrorJson>(sealLate).error.code).toBe('run_not_completed');

    const resumed = await runCli(
      'aos',
      ['runs', 'resume', '--tenant-id', tenant, '--run-id', runId, '--json'],
      env,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOf(resumed)).toMatchObject({
      status: 'succeeded',
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed', ledger_index: 0 },
    });
    expect(typesOf(await runEvents(db.pool, runId)).at(-1)).toBe('RunCompleted');
  });
});
