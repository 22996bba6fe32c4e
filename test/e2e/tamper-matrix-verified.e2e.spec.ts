import { describe, expect, it } from 'vitest';
import { tamper } from '../support/cli-fixtures.js';
import { LAST_SEQ, tamperMatrix } from './support/tamper-matrix-fixture.js';

/** The tamper matrix's control, and what changes nothing: an untampered run and a run whose seal
 * index row was deleted or repointed both prove VERIFIED and sealed (the ledger decides). */
describe('RUNPROOF tamper matrix: aos proof names every tampering', () => {
  const { db, freshRun, prove } = tamperMatrix();

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
});
