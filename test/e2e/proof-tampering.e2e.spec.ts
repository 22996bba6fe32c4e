import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-audit';
type ProofJson = { integrity: { verification_status: string; failure_reason: string | null; divergence: { source: string; seq: number | null; field: string; expected: unknown; actual: unknown } | null } };

/** Each case tampers with a fresh run the way a superuser could (triggers bypassed) and expects
 * `aos proof` to exit 1 with FAILED and the divergence named. */
describe('aos proof detects tampering with the projections and the store', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    agentId = await createAgent(env, TENANT, echoSteps);
  });
  afterAll(async () => db.drop());

  const freshRun = async () => (await runGoal(env, TENANT, agentId)).run_id;
  const prove = async (runId: string) => {
    const result = await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    return { code: result.code, ...jsonOf<ProofJson>(result) };
  };

  it('keeps an untouched run VERIFIED (control)', async () => {
    const proof = await prove(await freshRun());
    expect(proof.code).toBe(0);
    expect(proof.integrity.verification_status).toBe('VERIFIED');
  });

  it.each([
    ['status', `'failed'`],
    ['skill_name', `'http_call'`],
    ['cost_cents', '999'],
    ['params', `'{"message":"other"}'::jsonb`],
    ['outcome_data', `'{"message":"forged"}'::jsonb`],
    ['link', `repeat('0', 64)`],
    ['duration_ms', '12345'],
  ])('finds a changed aos_trace_steps.%s at its seq', async (column, value) => {
    const runId = await freshRun();
    expect(await tamper(db.pool, `UPDATE aos_trace_steps SET ${column} = ${value} WHERE run_id = $1 AND seq = 4`, [runId])).toBe(1);
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.verification_status).toBe('FAILED');
    expect(proof.integrity.divergence).toMatchObject({ source: 'projection', seq: 4, field: `aos_trace_steps.${column}` });
  });

  it('finds a deleted step row', async () => {
    const runId = await freshRun();
    await tamper(db.pool, 'DELETE FROM aos_trace_steps WHERE run_id = $1 AND seq = 3', [runId]);
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.divergence).toMatchObject({ source: 'projection', seq: 3, field: 'aos_trace_steps.row', actual: 'missing' });
  });

  it('finds a step row inserted by hand, even one claiming another tenant', async () => {
    const runId = await freshRun();
    await tamper(db.pool, `INSERT INTO aos_trace_steps SELECT run_id, tenant_id, 9, 2, skill_name, params, status, outcome_category, outcome_code,
      outcome_data, cost_cents, duration_ms, retry_count, recorded_at, link FROM aos_trace_steps WHERE run_id = $1 AND seq = 4`, [runId]);
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.divergence).toMatchObject({ source: 'projection', seq: 9, field: 'aos_trace_steps.row', actual: 'present' });

    const other = await freshRun();
    await tamper(db.pool, `UPDATE aos_trace_steps SET tenant_id = 'tenant-x' WHERE run_id = $1 AND seq = 3`, [other]);
    expect((await prove(other)).integrity.divergence).toMatchObject({ source: 'projection', seq: 3, field: 'aos_trace_steps.tenant_id' });
  });

  it.each([
    ['root_hash', `repeat('a', 64)`],
    ['status', `'failed'`],
    ['step_count', '3'],
    ['chain_length', '5'],
    ['started_at', `started_at + interval '1 second'`],
  ])('finds a changed aos_traces.%s', async (column, value) => {
    const runId = await freshRun();
    await tamper(db.pool, `UPDATE aos_traces SET ${column} = ${value} WHERE run_id = $1`, [runId]);
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.divergence).toMatchObject({ source: 'projection', seq: null, field: `aos_traces.${column}` });
  });

  it('finds a deleted aos_traces row', async () => {
    const runId = await freshRun();
    await tamper(db.pool, 'DELETE FROM aos_traces WHERE run_id = $1', [runId]);
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.divergence).toMatchObject({ source: 'projection', field: 'aos_traces.rows', expected: 1, actual: 0 });
  });

  it("finds an event's data changed in the store, at that seq", async () => {
    const runId = await freshRun();
    await tamper(db.pool, `UPDATE aos_events SET data = replace(data, '"retry_count":0', '"retry_count":1') WHERE stream_id = $1 AND seq = 3`, [`aos-run-${runId}`]);
    const proof = await prove(runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.divergence).toMatchObject({ source: 'event_store', seq: 3, field: 'link' });
  });

  it('finds reordered events and a gap in seq', async () => {
    const reordered = await freshRun();
    const stream = `aos-run-${reordered}`;
    await tamper(db.pool, 'UPDATE aos_events SET seq = 1000 WHERE stream_id = $1 AND seq = 3', [stream]);
    await tamper(db.pool, 'UPDATE aos_events SET seq = 3 WHERE stream_id = $1 AND seq = 4', [stream]);
    await tamper(db.pool, 'UPDATE aos_events SET seq = 4 WHERE stream_id = $1 AND seq = 1000', [stream]);
    expect((await prove(reordered)).integrity.divergence).toMatchObject({ source: 'event_store', seq: 3 });

    const gap = await freshRun();
    await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 2', [`aos-run-${gap}`]);
    const proof = await prove(gap);
    expect(proof.code).toBe(1);
    expect(proof.integrity.divergence).toMatchObject({ source: 'event_store', seq: 2, field: 'seq', expected: 2, actual: 3 });
  });

  it('refuses hand-made rows and edits while the triggers are in place', async () => {
    const runId = await freshRun();
    await expect(db.pool.query(`UPDATE aos_trace_steps SET status = 'failed' WHERE run_id = $1`, [runId])).rejects.toThrow(/projection/);
    await expect(db.pool.query(`DELETE FROM aos_traces WHERE run_id = $1`, [runId])).rejects.toThrow(/projection/);
    await expect(db.pool.query(`UPDATE aos_events SET type = 'x' WHERE stream_id = $1`, [`aos-run-${runId}`])).rejects.toThrow(/append-only/);
    expect((await prove(runId)).integrity.verification_status).toBe('VERIFIED');
  });
});
