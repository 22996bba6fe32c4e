import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { LAST_SEQ, MIDDLE_STEP, TENANT, tamperMatrix } from './support/tamper-matrix-fixture.js';

/** The tamper matrix on the run's events in the store: data changed, events reordered, deleted or
 * appended under another tenant; source event_store. */
describe('RUNPROOF tamper matrix: aos proof names every tampering', () => {
  const { db, env, freshRun, prove, failedProof, readEvents } = tamperMatrix();

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
});
