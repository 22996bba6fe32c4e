import { describe, expect, it } from 'vitest';
import { tamper } from '../support/cli-fixtures.js';
import { MIDDLE_STEP, SAME_TIME_BC, tamperMatrix } from './support/tamper-matrix-fixture.js';

/** The tamper matrix on the step rows (aos_trace_steps): every column changed, a row deleted, rows
 * inserted by hand; each found at its seq, source projection. */
describe('RUNPROOF tamper matrix: aos proof names every tampering', () => {
  const { db, freshRun, failedProof } = tamperMatrix();

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
  });
});
