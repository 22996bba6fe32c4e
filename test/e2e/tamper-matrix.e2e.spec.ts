import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { genesisLink, nextLink } from '../../domain/proof/hash-chain.js';
import { leafHash } from '../../domain/proof/leaf.js';
import { fromHex, toHex } from '../../domain/proof/sha256.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * docs/RUNPROOF-FORMAT.md "What must be detected", one test per row: each tampers with a fresh sealed run the
 * way a superuser could (triggers bypassed) and expects `aos proof` to exit 1, FAILED, and the
 * first divergence named exactly. The run: RunCreated 0, RunPlanned 1, RunStarted 2,
 * StepExecuted 3, 4, 5, RunCompleted 6.
 */
const TENANT = 'tenant-matrix';
const STEPS = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
  { skill: 'echo', params: { message: 'third {{goal}}' } },
];
const MIDDLE_STEP = 4;
const LAST_SEQ = 6;
/** The same UTC date and time, 4,051 years earlier: YYYY prints 2026 for both. */
const SAME_TIME_BC = (column: string) =>
  `(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00 BC')::timestamptz`;

type Divergence = { source: string; seq: number | null; field: string; expected: unknown; actual: unknown };
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

describe('RUNPROOF tamper matrix: aos proof names every tampering', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    agentId = await createAgent(env, TENANT, STEPS);
  });
  afterAll(async () => db.drop());

  const freshRun = async () => {
    const run = await runGoal(env, TENANT, agentId);
    expect(run.result.code, run.result.stderr).toBe(0);
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

  it('keeps an untampered run VERIFIED and sealed (control)', async () => {
    const { runId, rootHash } = await freshRun();
    const proof = await prove(runId);
    expect(proof.code).toBe(0);
    expect(proof.integrity).toMatchObject({
      verification_status: 'VERIFIED',
      chain_length: LAST_SEQ + 1,
      root_hash: rootHash,
      divergence: null,
      failure_reason: null,
    });
    expect(proof.seal).toMatchObject({
      status: 'sealed',
      key_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      ledger_index: expect.any(Number),
    });
  });

  describe('projection rows (source projection)', () => {
    it.each([
      ['status', `'failed'`],
      ['skill_name', `'http_call'`],
      ['cost_cents', 'cost_cents + 999'],
      ['params', `'{"message":"other"}'::jsonb`],
      ['link', `repeat('0', 64)`],
      ['step_index', 'step_index + 7'],
      ['outcome_data', `'{"message":"forged"}'::jsonb`],
      ['duration_ms', 'duration_ms + 12345'],
      ['retry_count', 'retry_count + 1'],
      ['recorded_at', `recorded_at + interval '1 millisecond'`],
      ['recorded_at', `recorded_at + interval '1 microsecond'`],
      ['recorded_at', `${SAME_TIME_BC('recorded_at')}`],
      ['tenant_id', `'tenant-other'`],
    ])('finds a changed aos_trace_steps.%s at its seq (%s)', async (column, value) => {
      const { runId } = await freshRun();
      expect(
        await tamper(
          db.pool,
          `UPDATE aos_trace_steps SET ${column} = ${value} WHERE run_id = $1 AND seq = ${MIDDLE_STEP}`,
          [runId],
        ),
      ).toBe(1);
      expect(await failedProof(runId)).toMatchObject({
        source: 'projection',
        seq: MIDDLE_STEP,
        field: `aos_trace_steps.${column}`,
      });
    });

    it('finds a float moved by less than 15 digits show, even where the database prints 15 (extra_float_digits = 0)', async () => {
      const { runId } = await freshRun();
      const name = (await db.pool.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
      await db.pool.query(`ALTER DATABASE "${name}" SET extra_float_digits = 0`);
      try {
        expect(
          await tamper(
            db.pool,
            `UPDATE aos_trace_steps SET duration_ms = duration_ms * (1 + 4e-16) WHERE run_id = $1 AND seq = ${MIDDLE_STEP}`,
            [runId],
          ),
        ).toBe(1);
        expect(await failedProof(runId)).toMatchObject({
          source: 'projection',
          seq: MIDDLE_STEP,
          field: 'aos_trace_steps.duration_ms',
        });
      } finally {
        await db.pool.query(`ALTER DATABASE "${name}" RESET extra_float_digits`);
      }
    });

    it('finds a deleted step row', async () => {
      const { runId } = await freshRun();
      expect(
        await tamper(db.pool, `DELETE FROM aos_trace_steps WHERE run_id = $1 AND seq = ${MIDDLE_STEP}`, [
          runId,
        ]),
      ).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'projection',
        seq: MIDDLE_STEP,
        field: 'aos_trace_steps.row',
        expected: 'present',
        actual: 'missing',
      });
    });

    it('finds a step row inserted by hand (a copy under a new seq)', async () => {
      const { runId } = await freshRun();
      const inserted = await tamper(
        db.pool,
        `INSERT INTO aos_trace_steps SELECT run_id, tenant_id, 9, step_index, skill_name, params, status, outcome_category,
        outcome_code, outcome_data, cost_cents, duration_ms, retry_count, recorded_at, link FROM aos_trace_steps WHERE run_id = $1 AND seq = ${MIDDLE_STEP}`,
        [runId],
      );
      expect(inserted).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'projection',
        seq: 9,
        field: 'aos_trace_steps.row',
        expected: 'absent',
        actual: 'present',
      });
    });

    it.each([-1, -2147483648])('finds a step row inserted by hand below seq 0 (seq %i)', async (seq) => {
      const { runId } = await freshRun();
      const inserted = await tamper(
        db.pool,
        `INSERT INTO aos_trace_steps SELECT run_id, tenant_id, ${seq}, step_index, skill_name, params, status, outcome_category,
        outcome_code, outcome_data, cost_cents, duration_ms, retry_count, recorded_at, link FROM aos_trace_steps WHERE run_id = $1 AND seq = ${MIDDLE_STEP}`,
        [runId],
      );
      expect(inserted).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'projection',
        seq,
        field: 'aos_trace_steps.row',
        expected: 'absent',
        actual: 'present',
      });
    });

    it.each([
      ['root_hash', `repeat('a', 64)`],
      ['status', `'failed'`],
      ['chain_length', 'chain_length - 1'],
      ['step_count', 'step_count + 1'],
      ['total_cost_cents', 'total_cost_cents + 1'],
      ['started_at', `started_at + interval '1 second'`],
      ['completed_at', `completed_at + interval '400 microseconds'`],
      ['completed_at', `${SAME_TIME_BC('completed_at')}`],
    ])('finds a changed aos_traces.%s', async (column, value) => {
      const { runId } = await freshRun();
      expect(
        await tamper(db.pool, `UPDATE aos_traces SET ${column} = ${value} WHERE run_id = $1`, [runId]),
      ).toBe(1);
      expect(await failedProof(runId)).toMatchObject({
        source: 'projection',
        seq: null,
        field: `aos_traces.${column}`,
      });
    });

    it('finds a deleted aos_traces row', async () => {
      const { runId } = await freshRun();
      expect(await tamper(db.pool, 'DELETE FROM aos_traces WHERE run_id = $1', [runId])).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'projection',
        seq: null,
        field: 'aos_traces.rows',
        expected: 1,
        actual: 0,
      });
    });

    it('cannot get an extra aos_traces row for a run: the primary key refuses it even with triggers bypassed', async () => {
      const { runId } = await freshRun();
      await expect(
        tamper(db.pool, 'INSERT INTO aos_traces SELECT * FROM aos_traces WHERE run_id = $1', [runId]),
      ).rejects.toThrow(/duplicate key/);
      expect((await prove(runId)).integrity.verification_status).toBe('VERIFIED');
    });
  });

  describe('the seal index (aos_run_seals) only speeds the lookup up: the ledger decides', () => {
    it('finds the seal in the ledger when the index row is deleted or points at another seal', async () => {
      const first = await freshRun();
      const { runId } = await freshRun();
      const { rows } = await db.pool.query<{ ledger_index: number }>(
        'SELECT ledger_index FROM aos_run_seals WHERE run_id = $1',
        [runId],
      );
      const index = rows[0]?.ledger_index;
      expect(index).toEqual(expect.any(Number));
      const sealedAt = (await prove(runId)).seal;
      expect(sealedAt).toMatchObject({ status: 'sealed', ledger_index: index });
      const other = (
        await db.pool.query<{ ledger_index: number }>(
          'SELECT ledger_index FROM aos_run_seals WHERE run_id = $1',
          [first.runId],
        )
      ).rows[0]?.ledger_index;
      expect(
        await tamper(db.pool, 'UPDATE aos_run_seals SET ledger_index = $2 WHERE run_id = $1', [runId, other]),
      ).toBe(1);
      expect(await prove(runId)).toMatchObject({
        code: 0,
        integrity: { verification_status: 'VERIFIED' },
        seal: { status: 'sealed', ledger_index: index },
      });
      expect(await tamper(db.pool, 'DELETE FROM aos_run_seals WHERE run_id = $1', [runId])).toBe(1);
      expect(await prove(runId)).toMatchObject({
        code: 0,
        integrity: { verification_status: 'VERIFIED' },
        seal: { status: 'sealed', ledger_index: index },
      });
    });
  });

  describe('the event store (source event_store)', () => {
    it("finds an event's data changed in the store, at that seq", async () => {
      const { runId, stream } = await freshRun();
      const before = (await readEvents(stream))[MIDDLE_STEP];
      const changed = await tamper(
        db.pool,
        `UPDATE aos_events SET data = replace(data, '"retry_count":0', '"retry_count":1') WHERE stream_id = $1 AND seq = ${MIDDLE_STEP}`,
        [stream],
      );
      expect(changed).toBe(1);
      const after = (await readEvents(stream))[MIDDLE_STEP];
      expect(after?.data).not.toBe(before?.data);
      expect(() => JSON.parse(after?.data ?? '')).not.toThrow();
      const divergence = await failedProof(runId);
      expect(divergence).toMatchObject({
        source: 'event_store',
        seq: MIDDLE_STEP,
        field: 'link',
        actual: before?.link,
      });
      expect(divergence.expected).toMatch(/^[0-9a-f]{64}$/);
      expect(divergence.expected).not.toBe(before?.link);
    });

    it("names the run's seal beside a broken chain, and resume refuses the sealed run", async () => {
      const { runId, stream } = await freshRun();
      expect(
        await tamper(
          db.pool,
          `UPDATE aos_events SET data = replace(data, '"retry_count":0', '"retry_count":1') WHERE stream_id = $1 AND seq = ${MIDDLE_STEP}`,
          [stream],
        ),
      ).toBe(1);
      const proof = await prove(runId);
      expect(proof.code).toBe(1);
      expect(proof.integrity).toMatchObject({
        verification_status: 'FAILED',
        divergence: { source: 'event_store', seq: MIDDLE_STEP, field: 'link' },
      });
      expect(
        (proof as unknown as { seal: { status: string; ledger_index: number | null } }).seal,
      ).toMatchObject({ status: 'sealed', ledger_index: expect.any(Number) });
      const resumed = await runCli(
        'aos',
        ['runs', 'resume', '--tenant-id', TENANT, '--run-id', runId, '--json'],
        env,
      );
      expect(resumed.code).toBe(1);
      expect(jsonOf<{ error: { code: string } }>(resumed).error.code).toBe('run_sealed');
    });

    it('finds two events swapped (reordered)', async () => {
      const { runId, stream } = await freshRun();
      await tamper(db.pool, 'UPDATE aos_events SET seq = 1000 WHERE stream_id = $1 AND seq = 3', [stream]);
      await tamper(db.pool, 'UPDATE aos_events SET seq = 3 WHERE stream_id = $1 AND seq = 4', [stream]);
      await tamper(db.pool, 'UPDATE aos_events SET seq = 4 WHERE stream_id = $1 AND seq = 1000', [stream]);
      expect(await failedProof(runId)).toMatchObject({ source: 'event_store', seq: 3, field: 'link' });
    });

    it("finds an event of another tenant appended after the run's last one (reads are scoped by tenant)", async () => {
      const { runId, stream } = await freshRun();
      expect(
        await tamper(
          db.pool,
          `INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at, link)
        SELECT stream_id, 'tenant-intruder', seq + 1, type, data, recorded_at, link FROM aos_events WHERE stream_id = $1 AND seq = ${LAST_SEQ}`,
          [stream],
        ),
      ).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'event_store',
        seq: LAST_SEQ + 1,
        field: 'tenant_id',
        expected: TENANT,
        actual: 'another tenant',
      });
    });

    it('finds a gap in seq (a middle event deleted)', async () => {
      const { runId, stream } = await freshRun();
      expect(
        await tamper(db.pool, `DELETE FROM aos_events WHERE stream_id = $1 AND seq = ${MIDDLE_STEP}`, [
          stream,
        ]),
      ).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'event_store',
        seq: MIDDLE_STEP,
        field: 'seq',
        expected: MIDDLE_STEP,
        actual: MIDDLE_STEP + 1,
      });
    });
  });

  describe('history rewritten by someone with full database write access (source checkpoint)', () => {
    it('finds data changed with every later link recomputed and the projections rebuilt, by the sealed root', async () => {
      const { runId, stream, rootHash } = await freshRun();
      const events = await readEvents(stream);
      const target = events[MIDDLE_STEP];
      if (!target) throw new Error('run has no middle step');
      const forged = canonicalJson({ ...(JSON.parse(target.data) as JsonObject), cost_cents: 250 });
      let link = fromHex(events[MIDDLE_STEP - 1]?.link ?? toHex(genesisLink(TENANT, runId)));
      for (const event of events.slice(MIDDLE_STEP)) {
        const data = event.seq === MIDDLE_STEP ? forged : event.data;
        link = nextLink(
          link,
          leafHash({
            tenant_id: TENANT,
            run_id: runId,
            seq: event.seq,
            type: event.type,
            dataCanonical: data,
            recorded_at: event.recorded_at,
          }),
        );
        expect(
          await tamper(
            db.pool,
            'UPDATE aos_events SET data = $3, link = $4 WHERE stream_id = $1 AND seq = $2',
            [stream, event.seq, data, toHex(link)],
          ),
        ).toBe(1);
      }
      await rebuildProjections();
      const rewritten = toHex(link);
      expect(rewritten).not.toBe(rootHash);

      const proof = await prove(runId);
      expect(proof.code).toBe(1);
      expect(proof.integrity).toMatchObject({
        verification_status: 'FAILED',
        chain_length: LAST_SEQ + 1,
        root_hash: rewritten,
      });
      expect(proof.integrity.divergence).toEqual({
        source: 'checkpoint',
        seq: null,
        field: 'root_hash',
        expected: rootHash,
        actual: rewritten,
      });
    });

    it('finds tail events deleted after sealing, by the sealed chain_length', async () => {
      const { runId, stream } = await freshRun();
      expect(
        await tamper(db.pool, `DELETE FROM aos_events WHERE stream_id = $1 AND seq >= ${LAST_SEQ - 1}`, [
          stream,
        ]),
      ).toBe(2);
      await rebuildProjections();
      expect(await failedProof(runId)).toEqual({
        source: 'checkpoint',
        seq: LAST_SEQ - 1,
        field: 'chain_length',
        expected: LAST_SEQ + 1,
        actual: LAST_SEQ - 1,
      });
    });

    it('refuses to resume a sealed run whose tail was deleted (its last steps would run twice)', async () => {
      const { runId, stream } = await freshRun();
      expect(
        await tamper(db.pool, `DELETE FROM aos_events WHERE stream_id = $1 AND seq >= ${LAST_SEQ - 1}`, [
          stream,
        ]),
      ).toBe(2);
      const resumed = await runCli(
        'aos',
        ['runs', 'resume', '--tenant-id', TENANT, '--run-id', runId, '--json'],
        env,
      );
      expect(resumed.code).toBe(1);
      expect(jsonOf<{ error: { code: string } }>(resumed).error.code).toBe('run_sealed');
      expect((await readEvents(stream)).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    });

    // Given the same cut run, when the proof before resuming cannot be made (the step rows cannot
    // be read: locked, with a lock timeout), then resume stops with the store's error and runs
    // nothing: without a verdict, it cannot know whether the seal still holds.
    it('resumes nothing when the proof before resuming fails to read', async () => {
      const { runId, stream } = await freshRun();
      expect(
        await tamper(db.pool, `DELETE FROM aos_events WHERE stream_id = $1 AND seq >= ${LAST_SEQ - 1}`, [
          stream,
        ]),
      ).toBe(2);
      const locker = await db.pool.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE aos_traces IN ACCESS EXCLUSIVE MODE'); // the proof's read of the trace row waits
        const resumed = await runCli(
          'aos',
          ['runs', 'resume', '--tenant-id', TENANT, '--run-id', runId, '--json'],
          { ...env, PGOPTIONS: '-c lock_timeout=300' },
        );
        expect(resumed.code, resumed.stderr).toBe(4);
        expect(jsonOf<{ error: { code: string; message: string } }>(resumed).error).toMatchObject({
          message: expect.stringMatching(/canceling statement due to lock timeout/),
        });
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      expect((await readEvents(stream)).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    });

    it("finds the seal's checkpoint edited in the tenant ledger, by its signature", async () => {
      const { runId, rootHash } = await freshRun();
      const ledger = `aos-ledger-${TENANT}`;
      const { rows } = await db.pool.query<{ seq: number; data: string }>(
        'SELECT seq, data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
        [ledger],
      );
      const seal = rows.find(
        (row) => (JSON.parse(row.data) as { checkpoint: { run_id: string } }).checkpoint.run_id === runId,
      );
      if (!seal) throw new Error(`no RunSealed event for ${runId}`);
      const sealed = JSON.parse(seal.data) as { checkpoint: JsonObject; signature: string };
      expect(sealed.checkpoint.root_hash).toBe(rootHash);
      const edited = canonicalJson({
        ...sealed,
        checkpoint: { ...sealed.checkpoint, root_hash: 'f'.repeat(64) },
      });
      expect(
        await tamper(db.pool, 'UPDATE aos_events SET data = $3 WHERE stream_id = $1 AND seq = $2', [
          ledger,
          seal.seq,
          edited,
        ]),
      ).toBe(1);
      expect(await failedProof(runId)).toEqual({
        source: 'checkpoint',
        seq: null,
        field: 'signature',
        expected: 'valid Ed25519 signature',
        actual: sealed.signature,
      });
    });
  });
});
