import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { genesisLink, nextLink } from '../../domain/proof/hash-chain.js';
import { leafHash } from '../../domain/proof/leaf.js';
import { fromHex, toHex } from '../../domain/proof/sha256.js';
import { jsonOf, runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { LAST_SEQ, MIDDLE_STEP, TENANT, tamperMatrix } from './support/tamper-matrix-fixture.js';

/** The tamper matrix against someone with full write access, who recomputes links, rebuilds the
 * projections, deletes the tail or edits the seal: the signed checkpoint finds it (source checkpoint). */
describe('RUNPROOF tamper matrix: aos proof names every tampering', () => {
  const { db, env, freshRun, prove, failedProof, readEvents, rebuildProjections } = tamperMatrix();

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
