import { ledgerStreamId } from '../../domain/stream-names.js';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { registerAgent } from '../../application/agents/register-agent.js';
import { checkpointBytes } from '../../domain/ledger/run-checkpoint.js';
import { sealRun } from '../../application/ledger/seal-run.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { rawPublicKey, runproofKeyId, verifyEd25519 } from '../../domain/proof/ed25519-keys.js';
import { executeRun } from '../../application/runs/execute-run.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

const { privateKey } = generateKeyPairSync('ed25519');
const raw = (() => {
  const r = rawPublicKey(privateKey);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
})();
const signer: Signer = {
  keyId: runproofKeyId(raw),
  publicKey: raw,
  sign: (m) => new Uint8Array(sign(null, m, privateKey)),
  signNote: () => {
    throw new Error('unused');
  },
};

/** An agent of one echo step in the tenant. */
const echoAgent = async (tenant: string): Promise<string> => {
  const agent = await registerAgent(
    {
      store: postgresEventStore(db.pool),
      skills: builtinSkillRegistry(),
      clock: systemClock,
      ids: randomIds,
      redaction: defaultRedactionPolicy,
    },
    {
      tenant_id: tenant,
      name: 'a',
      budget_cents: 10,
      allowed_hosts: [],
      plan_template: { steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] },
    },
  );
  if (agent._tag === 'Left') throw new Error(JSON.stringify(agent.left));
  return agent.right.agent.agent_id;
};

/** A run of that agent (a new one unless given), executed to its end, not sealed. */
const executedRun = async (tenant: string, goal: string, agentId?: string) => {
  const run = await executeRun(
    {
      store: postgresEventStore(db.pool),
      skills: builtinSkillRegistry(),
      planner: templatePlanner,
      clock: systemClock,
      ids: randomIds,
      random: Math.random,
      secret: () => undefined,
      redaction: defaultRedactionPolicy,
    },
    { tenant_id: tenant, agent_id: agentId ?? (await echoAgent(tenant)), goal, origin_system_id: 'test' },
  );
  if (run._tag === 'Left') throw new Error(JSON.stringify(run.left));
  return run.right;
};

const completedRun = async (tenant: string, goal: string): Promise<string> =>
  (await executedRun(tenant, goal)).run_id;

const sealsIn = async (tenant: string): Promise<string[]> =>
  (
    await db.pool.query<{ run_id: string }>(
      "SELECT data::jsonb->'checkpoint'->>'run_id' AS run_id FROM aos_events WHERE stream_id = $1 ORDER BY seq",
      [ledgerStreamId(tenant)],
    )
  ).rows.map((r) => r.run_id);

describe('sealing runs into the tenant ledger', () => {
  it('gives 8 runs sealed at the same moment gap-free ledger indices 0..7, each seal signed and matching its run', async () => {
    const store = postgresEventStore(db.pool);
    const tenant = 'tenant-concurrent-seals';
    const agentId = await echoAgent(tenant);
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => executedRun(tenant, `goal ${i}`, agentId)),
    );
    const seals = await Promise.all(
      runs.map((run) => sealRun({ store, signer, clock: systemClock }, tenant, run.run_id)),
    );
    for (const seal of seals) expect(seal._tag).toBe('Right');

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
      expect(
        verifyEd25519(
          raw,
          checkpointBytes(entry.checkpoint),
          new Uint8Array(Buffer.from(entry.signature, 'base64')),
        ),
      ).toBe(true);
    }
  });

  it('refuses to seal a run that does not exist in the tenant, or is not completed', async () => {
    const store = postgresEventStore(db.pool);
    const missing = await sealRun(
      { store, signer, clock: systemClock },
      'tenant-x',
      '00000000-0000-4000-8000-000000000000',
    );
    expect(missing).toEqual({
      _tag: 'Left',
      left: { kind: 'run_not_found', run_id: '00000000-0000-4000-8000-000000000000' },
    });
  });

  it('seals a run once when it is sealed again later: the store refuses a second seal and sealRun returns the first', async () => {
    const store = postgresEventStore(db.pool);
    const tenant = 'tenant-sealed-twice';
    const first = await completedRun(tenant, 'first');
    const other = await completedRun(tenant, 'other');
    const a = await sealRun({ store, signer, clock: systemClock }, tenant, first);
    const b = await sealRun({ store, signer, clock: systemClock }, tenant, other);
    // A process that did not see the first seal (its check ran before it landed) seals again.
    const again = await sealRun({ store, signer, clock: systemClock }, tenant, first);
    if (a._tag !== 'Right' || b._tag !== 'Right' || again._tag !== 'Right') throw new Error('sealing failed');
    expect(again.right).toEqual(a.right);
    expect(await sealsIn(tenant)).toEqual([first, other]);
  });

  it('migration 0005 keeps a ledger that already holds a second seal of a run, and refuses new second seals', async () => {
    const store = postgresEventStore(db.pool);
    const tenant = 'tenant-legacy-duplicate';
    await db.pool.query('DROP INDEX aos_events_one_seal_per_run; DROP FUNCTION aos_sealed_run_id(text)');
    const legacy = await completedRun(tenant, 'legacy');
    for (let i = 0; i < 2; i++)
      expect((await sealRun({ store, signer, clock: systemClock }, tenant, legacy))._tag).toBe('Right');
    expect(await sealsIn(tenant)).toEqual([legacy, legacy]);

    await db.pool.query(
      readFileSync(new URL('../../migrations/0005_one_seal_per_run.sql', import.meta.url), 'utf8'),
    );
    const index = await db.pool.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'aos_events_one_seal_per_run'",
    );
    expect(index.rows[0]?.indexdef).toMatch(/global_position > \d+/);
    const fresh = await completedRun(tenant, 'fresh');
    for (let i = 0; i < 2; i++)
      expect((await sealRun({ store, signer, clock: systemClock }, tenant, fresh))._tag).toBe('Right');
    expect(await sealsIn(tenant)).toEqual([legacy, legacy, fresh]);
  });

  it("seals a run once when two processes seal it at the same moment: the loser returns the winner's seal", async () => {
    const store = postgresEventStore(db.pool);
    const tenant = 'tenant-double-seal';
    const runId = await completedRun(tenant, 'once');
    const a = await sealRun({ store, signer, clock: systemClock }, tenant, runId);
    // The second process read the ledger's length before the first appended: its append conflicts.
    const stale = { ...store, streamVersion: () => async () => ({ _tag: 'Right' as const, right: 0 }) };
    const b = await sealRun({ store: stale, signer, clock: systemClock }, tenant, runId);
    if (a._tag !== 'Right' || b._tag !== 'Right') throw new Error('sealing failed');
    expect(b.right).toEqual(a.right);
    const ledgerEvents = await store.readStream(tenant, ledgerStreamId(tenant))();
    if (ledgerEvents._tag === 'Left') throw new Error(JSON.stringify(ledgerEvents.left));
    expect(ledgerEvents.right).toHaveLength(1);
  });
});
