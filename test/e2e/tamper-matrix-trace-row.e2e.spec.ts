import { describe, expect, it } from 'vitest';
import { tamper } from '../support/cli-fixtures.js';
import { SAME_TIME_BC, tamperMatrix } from './support/tamper-matrix-fixture.js';

/** The tamper matrix on the run's trace row (aos_traces): every column changed, the row deleted,
 * a second row refused; source projection, no seq. */
describe('RUNPROOF tamper matrix: aos proof names every tampering', () => {
  const { db, freshRun, prove, failedProof } = tamperMatrix();

  describe('projection rows (source projection)', () => {
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
});
