import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { waitForProjections } from '../../adapters/postgres/read-model/catch-up-pass.js';
import { randomIds } from '../../adapters/random-ids.js';
import { systemClock } from '../../adapters/system-clock.js';
import { sealRunLate, type LateSealDeps } from '../../application/ledger/seal-run-late.js';
import { proveRun } from '../../application/proof/prove-run.js';
import { applyRunCommands } from '../../application/runs/run-execution.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { runDecider, type RunCommand } from '../../domain/run/run-decider.js';
import { chainRunEvents, emptyRunStream, type RunStream } from '../../domain/run/run-stream.js';
import { ledgerStreamId, runStreamId } from '../../domain/stream-names.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { postgresProofSources } from '../support/postgres-sources.js';
import { testSigner } from '../support/test-signer.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

const { signer, knownKeys } = testSigner();
const deps = (store: EventStore = postgresEventStore(db.pool)): LateSealDeps => ({
  store,
  signer,
  clock: systemClock,
});
const late = { by: 'ops: Jane Doe', reason: 'completed before seals were made with completions' };

const step = {
  step_index: 0,
  skill: 'echo',
  params: { message: 'x' },
  status: 'succeeded' as const,
  outcome: { category: 'success', code: 'OK', data: { message: 'x' } },
  cost_cents: 0,
  duration_ms: 0.1,
  retry_count: 0,
};
const plan = {
  planner: 'template',
  planner_version: '1',
  steps: [
    {
      index: 0,
      skill: 'echo',
      params: { message: 'x' },
      max_retries: 0,
      timeout_ms: 1000,
      on_failure: 'stop' as const,
    },
  ],
};

/** A run opened and run to its last step (not completed), written by the domain and projected. */
const openRun = async (tenant: string): Promise<RunStream> => {
  const store = postgresEventStore(db.pool);
  const runId = randomIds.uuid();
  const opened = await applyRunCommands({ store, clock: systemClock }, emptyRunStream(tenant, runId), [
    {
      type: 'CreateRun',
      run_id: runId,
      tenant_id: tenant,
      agent_id: 'agent-1',
      goal: 'g',
      origin_system_id: 'test',
      agent: { agent_id: 'agent-1', tenant_id: tenant, budget_cents: 10 },
    },
    { type: 'RecordPlan', plan },
    { type: 'StartRun' },
    { type: 'RecordStep', step },
  ]);
  if (opened._tag === 'Left' || opened.right.lastPosition === null) throw new Error('opening failed');
  expect((await waitForProjections(db.pool, store, opened.right.lastPosition))._tag).toBe('Right');
  return opened.right;
};

/** A run completed without a seal, as a build older than sealed completions wrote it: its
 * completion appended to the run's stream alone. */
const legacyCompletedRun = async (tenant: string): Promise<string> => {
  const store = postgresEventStore(db.pool);
  const open = await openRun(tenant);
  const command: RunCommand = { type: 'CompleteRun', status: 'succeeded' };
  const decided = runDecider.decide(command, open.state);
  if (decided._tag === 'Left') throw new Error(JSON.stringify(decided.left));
  const chained = chainRunEvents(open, decided.right, systemClock.now());
  if (chained._tag === 'Left') throw new Error(JSON.stringify(chained.left));
  const appended = await store.appendToStream(
    tenant,
    runStreamId(open.runId),
    open.version,
    chained.right.toAppend,
  )();
  if (appended._tag === 'Left') throw new Error(JSON.stringify(appended.left));
  expect((await waitForProjections(db.pool, store, appended.right.lastPosition))._tag).toBe('Right');
  return open.runId;
};

const ledgerOf = async (tenant: string) => {
  const events = await postgresEventStore(db.pool).readStream(tenant, ledgerStreamId(tenant))();
  if (events._tag === 'Left') throw new Error(JSON.stringify(events.left));
  const ledger = decodeLedger(events.right);
  if (ledger._tag === 'Left') throw new Error(JSON.stringify(ledger.left));
  return ledger.right;
};

const proofOf = async (tenant: string, runId: string) => {
  const proof = await proveRun(postgresProofSources(db.pool), tenant, runId, knownKeys);
  if (proof._tag === 'Left') throw new Error(JSON.stringify(proof.left));
  return proof.right;
};

describe('sealing a run late (aos-int runs seal-late)', () => {
  it('given a completed run without a seal, when an operator seals it late, then the signed checkpoint says so, by whom, why and when, and the run proves VERIFIED', async () => {
    const tenant = 'tenant-late';
    const runId = await legacyCompletedRun(tenant);
    expect((await proofOf(tenant, runId)).integrity.divergence).toMatchObject({
      source: 'checkpoint',
      field: 'checkpoint',
    });
    const before = systemClock.now();
    const sealed = await sealRunLate(deps(), { tenantId: tenant, runId, late });
    if (sealed._tag === 'Left') throw new Error(JSON.stringify(sealed.left));
    expect(sealed.right.seal).toMatchObject({
      index: 0,
      checkpoint: { run_id: runId, chain_length: 5, key_id: signer.keyId, late },
    });
    expect(sealed.right.seal.checkpoint.sealed_at >= before).toBe(true);
    expect(await ledgerOf(tenant)).toEqual([sealed.right.seal]);
    const proof = await proofOf(tenant, runId);
    expect(proof.integrity).toMatchObject({ verification_status: 'VERIFIED', divergence: null });
    expect(proof.seal).toEqual({
      status: 'sealed',
      key_id: signer.keyId,
      ledger_index: 0,
      sealed_at: sealed.right.seal.checkpoint.sealed_at,
      late,
    });
  });

  it('refuses a run that does not exist in the tenant, or has not completed, and writes nothing', async () => {
    const tenant = 'tenant-late-refused';
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await sealRunLate(deps(), { tenantId: tenant, runId: missing, late })).toEqual({
      _tag: 'Left',
      left: { kind: 'run_not_found', run_id: missing },
    });
    const open = await openRun(tenant);
    expect(await sealRunLate(deps(), { tenantId: tenant, runId: open.runId, late })).toEqual({
      _tag: 'Left',
      left: { kind: 'run_not_completed', run_id: open.runId },
    });
    expect(await ledgerOf(tenant)).toEqual([]);
  });

  it('refuses a run that is already sealed, naming its seal, and writes nothing', async () => {
    const tenant = 'tenant-late-sealed-twice';
    const runId = await legacyCompletedRun(tenant);
    const first = await sealRunLate(deps(), { tenantId: tenant, runId, late });
    if (first._tag === 'Left') throw new Error(JSON.stringify(first.left));
    expect(await sealRunLate(deps(), { tenantId: tenant, runId, late: { by: 'someone else' } })).toEqual({
      _tag: 'Left',
      left: {
        kind: 'already_sealed',
        run_id: runId,
        ledger_index: 0,
        sealed_at: first.right.seal.checkpoint.sealed_at,
      },
    });
    expect(await ledgerOf(tenant)).toHaveLength(1);
  });

  it('seals a run once when two operators seal it at the same moment: the other is refused as already sealed', async () => {
    const tenant = 'tenant-late-race';
    const runId = await legacyCompletedRun(tenant);
    const results = await Promise.all(
      ['ops: a', 'ops: b'].map((by) => sealRunLate(deps(), { tenantId: tenant, runId, late: { by } })),
    );
    expect(results.filter((r) => r._tag === 'Right')).toHaveLength(1);
    expect(results.find((r) => r._tag === 'Left')).toMatchObject({
      left: { kind: 'already_sealed', run_id: runId, ledger_index: 0 },
    });
    expect(await ledgerOf(tenant)).toHaveLength(1);
  });

  it("tries again after another run's seal landed first, at the ledger's new length", async () => {
    const tenant = 'tenant-late-moved';
    const [runA, runB] = [await legacyCompletedRun(tenant), await legacyCompletedRun(tenant)];
    const store = postgresEventStore(db.pool);
    const sealedA = await sealRunLate(deps(store), { tenantId: tenant, runId: runA, late });
    expect(sealedA._tag).toBe('Right');
    let stale = true;
    // The first read of the ledger is from before A's seal landed.
    const reading: EventStore = {
      ...store,
      readStreamFrom: (t, s, from, limit) =>
        s === ledgerStreamId(tenant) && stale && !(stale = false)
          ? async () => ({ _tag: 'Right', right: [] })
          : store.readStreamFrom(t, s, from, limit),
    };
    const sealedB = await sealRunLate(deps(reading), { tenantId: tenant, runId: runB, late });
    expect(sealedB._tag === 'Right' && sealedB.right.seal.index).toBe(1);
    expect((await ledgerOf(tenant)).map((e) => e.checkpoint.run_id)).toEqual([runA, runB]);
  });
});
