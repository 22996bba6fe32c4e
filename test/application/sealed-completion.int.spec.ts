import { ledgerStreamId, runStreamId } from '../../domain/stream-names.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { registerAgent } from '../../application/agents/register-agent.js';
import { checkpointBytes } from '../../domain/ledger/run-checkpoint.js';
import { runSealedEvent, signedSeal } from '../../domain/ledger/run-seal.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { verifyEd25519 } from '../../domain/proof/ed25519-keys.js';
import { executeRun } from '../../application/runs/execute-run.js';
import type { RunExecutionDeps } from '../../application/runs/run-execution.js';
import { resumeRun } from '../../application/runs/resume-run.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { tamper } from '../support/cli-fixtures.js';
import { testSigner } from '../support/test-signer.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

const { signer, knownKeys } = testSigner();
const raw = knownKeys.get(signer.keyId)!;

const deps = (store: EventStore = postgresEventStore(db.pool)): RunExecutionDeps => ({
  store,
  skills: builtinSkillRegistry(),
  planner: templatePlanner,
  clock: systemClock,
  ids: randomIds,
  random: Math.random,
  secret: () => undefined,
  redaction: defaultRedactionPolicy,
  signer,
});

/** An agent of one echo step in the tenant. */
const echoAgent = async (tenant: string): Promise<string> => {
  const agent = await registerAgent(deps(), {
    tenant_id: tenant,
    name: 'a',
    budget_cents: 10,
    allowed_hosts: [],
    plan_template: { steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] },
  });
  if (agent._tag === 'Left') throw new Error(JSON.stringify(agent.left));
  return agent.right.agent.agent_id;
};

const request = (tenant: string, agentId: string, goal: string) => ({
  tenant_id: tenant,
  agent_id: agentId,
  goal,
  origin_system_id: 'test',
});

/** A run of that agent (a new one unless given), executed to its end: completed and sealed. */
const executedRun = async (tenant: string, goal: string, agentId?: string, store?: EventStore) => {
  const run = await executeRun(deps(store), request(tenant, agentId ?? (await echoAgent(tenant)), goal));
  if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
  return run.right;
};

const typesOf = async (tenant: string, streamId: string): Promise<string[]> =>
  (
    await db.pool.query<{ type: string }>(
      'SELECT type FROM aos_events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY seq',
      [tenant, streamId],
    )
  ).rows.map((r) => r.type);

const sealsIn = async (tenant: string): Promise<string[]> =>
  (
    await db.pool.query<{ run_id: string }>(
      "SELECT data::jsonb->'checkpoint'->>'run_id' AS run_id FROM aos_events WHERE stream_id = $1 ORDER BY seq",
      [ledgerStreamId(tenant)],
    )
  ).rows.map((r) => r.run_id);

/** The events of the run's completion and its seal share one transaction id. */
const completionTransactions = async (tenant: string, runId: string): Promise<string[]> =>
  (
    await db.pool.query<{ tx: string }>(
      `SELECT DISTINCT transaction_id::text AS tx FROM aos_events
        WHERE (stream_id = $1 AND type = 'RunCompleted')
           OR (stream_id = $2 AND aos_sealed_run_id(data) = $3)`,
      [runStreamId(runId), ledgerStreamId(tenant), runId],
    )
  ).rows.map((r) => r.tx);

describe('a run sealed with its completion, in one Postgres transaction', () => {
  it('gives 8 runs completed at the same moment gap-free ledger indices 0..7, each seal signed and matching its run, in its completion transaction', async () => {
    const store = postgresEventStore(db.pool);
    const tenant = 'tenant-concurrent-seals';
    const agentId = await echoAgent(tenant);
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => executedRun(tenant, `goal ${i}`, agentId)),
    );
    const ledgerEvents = await store.readStream(tenant, ledgerStreamId(tenant))();
    if (ledgerEvents._tag === 'Left') throw new Error(JSON.stringify(ledgerEvents.left));
    const ledger = decodeLedger(ledgerEvents.right);
    if (ledger._tag === 'Left') throw new Error(JSON.stringify(ledger.left));
    expect(ledger.right.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(ledger.right.map((e) => e.checkpoint.run_id))).toEqual(new Set(runs.map((r) => r.run_id)));
    for (const entry of ledger.right) {
      const run = runs.find((r) => r.run_id === entry.checkpoint.run_id)!;
      expect(entry.checkpoint).toMatchObject({
        tenant_id: tenant,
        chain_length: run.chain_length,
        root_hash: run.root_hash,
        key_id: signer.keyId,
      });
      expect(entry.checkpoint.late).toBeUndefined();
      expect(
        verifyEd25519(
          raw,
          checkpointBytes(entry.checkpoint),
          new Uint8Array(Buffer.from(entry.signature, 'base64')),
        ),
      ).toBe(true);
      expect(await completionTransactions(tenant, run.run_id)).toHaveLength(1);
    }
  });

  it('given a ledger that moved after its length was read, when a run completes, then its seal is tried again at the new length and lands with the completion', async () => {
    const tenant = 'tenant-moved-ledger';
    const agentId = await echoAgent(tenant);
    await executedRun(tenant, 'first', agentId);
    const store = postgresEventStore(db.pool);
    let stale = 2;
    const reading: EventStore = {
      ...store,
      // The first two reads of the ledger's length are from before the first run's seal landed.
      streamVersion: (t, s) =>
        s === ledgerStreamId(tenant) && stale-- > 0
          ? async () => ({ _tag: 'Right', right: 0 })
          : store.streamVersion(t, s),
    };
    const second = await executedRun(tenant, 'second', agentId, reading);
    expect(await sealsIn(tenant)).toHaveLength(2);
    expect((await sealsIn(tenant))[1]).toBe(second.run_id);
    expect(await completionTransactions(tenant, second.run_id)).toHaveLength(1);
  });

  // Given a ledger append that fails (a trigger refuses the seal), when a run completes, then
  // neither its RunCompleted nor its seal lands: the run is still running, with nothing of the
  // completion's append (its steps) either; once the ledger takes seals again, resume completes and
  // seals it.
  it('leaves neither the completion nor the seal when the seal is refused, and resume completes and seals the run', async () => {
    const tenant = 'tenant-refused-seal';
    const agentId = await echoAgent(tenant);
    await db.pool.query(`
      CREATE FUNCTION aos_test_refuse_seals() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the ledger refuses seals (test)'; END $$;
      CREATE TRIGGER aos_test_refuse_seals BEFORE INSERT ON aos_events FOR EACH ROW
        WHEN (NEW.type = 'RunSealed') EXECUTE FUNCTION aos_test_refuse_seals();`);
    let runId: string;
    try {
      const refused = await executeRun(deps(), request(tenant, agentId, 'refused'));
      // The run is recorded up to its last append (cut off): resume continues it.
      expect(refused).toMatchObject({
        _tag: 'Left',
        left: {
          kind: 'run_cut_off',
          tenant_id: tenant,
          error: { kind: 'store_failed', message: 'the ledger refuses seals (test)' },
        },
      });
      const [created] = (
        await db.pool.query<{ stream_id: string }>(
          "SELECT stream_id FROM aos_events WHERE tenant_id = $1 AND type = 'RunCreated'",
          [tenant],
        )
      ).rows;
      runId = created!.stream_id.slice('aos-run-'.length);
      expect(await typesOf(tenant, runStreamId(runId))).toEqual(['RunCreated', 'RunPlanned', 'RunStarted']);
      expect(await sealsIn(tenant)).toEqual([]);
    } finally {
      await db.pool.query(
        'DROP TRIGGER aos_test_refuse_seals ON aos_events; DROP FUNCTION aos_test_refuse_seals()',
      );
    }
    const resumed = await resumeRun(deps(), tenant, runId, 'rerun_if_idempotent');
    expect(resumed._tag === 'Right' && resumed.right.outcome?.status).toBe('succeeded');
    expect(await typesOf(tenant, runStreamId(runId))).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
      'RunStarted',
      'StepExecuted',
      'RunCompleted',
    ]);
    expect(await sealsIn(tenant)).toEqual([runId]);
    expect(await completionTransactions(tenant, runId)).toHaveLength(1);
  });

  it('writes nothing of a completion whose seal the ledger refuses as a second seal of the run id (its events deleted, the run made again)', async () => {
    const tenant = 'tenant-run-made-again';
    const agentId = await echoAgent(tenant);
    const first = await executedRun(tenant, 'once', agentId);
    await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1', [runStreamId(first.run_id)]);
    const again = await executeRun(deps(), request(tenant, agentId, 'again'), first.run_id);
    expect(again).toEqual({
      _tag: 'Left',
      left: {
        kind: 'seal_not_appended',
        run_id: first.run_id,
        run_completed: false,
        cause: { kind: 'seal_refused' },
      },
    });
    expect(await typesOf(tenant, runStreamId(first.run_id))).toEqual([
      'RunCreated',
      'RunPlanned',
      'RunStarted',
    ]);
    expect(await sealsIn(tenant)).toEqual([first.run_id]);
  });

  it('migration 0005 keeps a ledger that already holds a second seal of a run, and refuses new second seals', async () => {
    const store = postgresEventStore(db.pool);
    const tenant = 'tenant-legacy-duplicate';
    const agentId = await echoAgent(tenant);
    /** A second seal of the run, appended to the ledger as an older build could. */
    const sealAgain = async (run: { run_id: string; chain_length: number; root_hash: string }) => {
      const length = await store.streamVersion(tenant, ledgerStreamId(tenant))();
      if (length._tag === 'Left') throw new Error(JSON.stringify(length.left));
      const seal = signedSeal(
        {
          tenant_id: tenant,
          run_id: run.run_id,
          chain_length: run.chain_length,
          root_hash: run.root_hash,
          merkle_root: '0'.repeat(64),
        },
        signer,
        systemClock.now(),
      );
      return (
        await store.appendToStream(tenant, ledgerStreamId(tenant), length.right, [runSealedEvent(seal)])()
      )._tag;
    };
    await db.pool.query('DROP INDEX aos_events_one_seal_per_run; DROP FUNCTION aos_sealed_run_id(text)');
    const legacy = await executedRun(tenant, 'legacy', agentId);
    expect(await sealAgain(legacy)).toBe('Right');
    expect(await sealsIn(tenant)).toEqual([legacy.run_id, legacy.run_id]);

    await db.pool.query(
      readFileSync(new URL('../../migrations/0005_one_seal_per_run.sql', import.meta.url), 'utf8'),
    );
    const index = await db.pool.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'aos_events_one_seal_per_run'",
    );
    expect(index.rows[0]?.indexdef).toMatch(/global_position > \d+/);
    const fresh = await executedRun(tenant, 'fresh', agentId);
    expect(await sealAgain(fresh)).toBe('Left');
    expect(await sealsIn(tenant)).toEqual([legacy.run_id, legacy.run_id, fresh.run_id]);
  });
});
