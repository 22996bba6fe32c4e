import { describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { jsonOf, runCli } from '../support/cli.js';
import { tamper } from '../support/cli-fixtures.js';
import { fromHexList, rfcVerifyConsistency } from '../support/independent-rfc9162.js';
import { hexRoot, ledgerStream, tenantLedger } from './support/tenant-ledger-fixture.js';

/** A kept tree head checked after the ledger was tampered with, triggers bypassed: a seal rewritten,
 * deleted from the middle (a gap), or deleted from the end and replaced. */
describe('tenant ledger: signed tree heads, consistency proofs, aos verify head.note', () => {
  const { db, env, sealRuns, head, keepHead, consistency, verifyHead, sealRows } = tenantLedger();

  describe('after the ledger was tampered with (triggers bypassed)', () => {
    it('finds a sealed checkpoint rewritten: the kept head no longer matches, and the proof fails independently', async () => {
      const tenant = 'tenant-ledger-rewrite';
      await sealRuns(tenant, 2);
      const { file, head: kept } = await keepHead(tenant, 'rewrite.note');
      await sealRuns(tenant, 1);
      const seal = (await sealRows(tenant))[1];
      const sealed = JSON.parse(seal?.data ?? '') as {
        checkpoint: Record<string, unknown>;
        signature: string;
      };
      const rewritten = canonicalize({
        ...sealed,
        checkpoint: { ...sealed.checkpoint, root_hash: 'f'.repeat(64) },
      });
      expect(
        await tamper(db.pool, 'UPDATE aos_events SET data = $3 WHERE stream_id = $1 AND seq = $2', [
          ledgerStream(tenant),
          1,
          rewritten,
        ]),
      ).toBe(1);

      const checked = await verifyHead(file);
      expect(checked.code).toBe(1);
      expect(checked).toMatchObject({
        kind: 'tree_head',
        consistent: false,
        old_size: 2,
        new_size: 3,
        old_root: kept.root_hash,
        reason: 'the first 2 seals no longer hash to the kept root: the ledger was rewritten',
        // A kept size of 2 is a power of two: the kept root is the proof's first node, the new root fails.
        proof_failure: { kind: 'root_mismatch', hash: 'new_root', expected: checked.new_root },
      });
      // The ledger serves a proof from its rewritten prefix; against the kept root it fails.
      const proved = await consistency(tenant, 2, 3);
      expect(proved.old_root).not.toBe(kept.root_hash);
      expect(
        rfcVerifyConsistency(
          2,
          3,
          hexRoot(proved.old_root),
          hexRoot(proved.new_root),
          fromHexList(proved.proof),
        ),
      ).toBe(true);
      expect(
        rfcVerifyConsistency(
          2,
          3,
          hexRoot(kept.root_hash),
          hexRoot(proved.new_root),
          fromHexList(proved.proof),
        ),
      ).toBe(false);
      const text = await runCli('aos', ['verify', file], env);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('Consistency: FAILED (the first 2 seals no longer hash to the kept root');
      expect(text.stdout).toContain('; the proof leads to new_root ');
    });

    it('finds a sealed checkpoint deleted from the middle: the ledger has a gap, every ledger command fails', async () => {
      const tenant = 'tenant-ledger-gap';
      await sealRuns(tenant, 3);
      const { file } = await keepHead(tenant, 'gap.note');
      expect(
        await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 1', [
          ledgerStream(tenant),
        ]),
      ).toBe(1);

      const message = `the ledger of tenant ${tenant} is damaged at index 1: expected seq 1, found 2`;
      const commands = [
        ['verify', file],
        ['ledger', 'head', '--tenant-id', tenant],
        ['ledger', 'consistency', '--tenant-id', tenant, '--from', '1', '--to', '2'],
      ];
      const results = await Promise.all(commands.map((args) => runCli('aos', [...args, '--json'], env)));
      for (const [n, args] of commands.entries()) {
        const failed = results[n]!;
        expect(failed.code, args.join(' ')).toBe(1);
        expect(jsonOf<{ error: unknown }>(failed).error, args.join(' ')).toEqual({
          code: 'ledger_damaged',
          message,
        });
      }
    });

    it('finds the last seal deleted (the ledger shrank), and a later seal put in its place (rewritten)', async () => {
      const tenant = 'tenant-ledger-tail';
      await sealRuns(tenant, 2);
      const { file, head: kept } = await keepHead(tenant, 'tail.note');
      expect(
        await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1 AND seq = 1', [
          ledgerStream(tenant),
        ]),
      ).toBe(1);

      const shrunk = await verifyHead(file);
      expect(shrunk.code).toBe(1);
      expect(shrunk).toMatchObject({
        consistent: false,
        old_size: 2,
        new_size: 1,
        reason: 'the ledger shrank from 2 to 1 seals: sealed runs were removed',
        proof_failure: { kind: 'size_decreased', old_size: 2, new_size: 1 },
      });

      await sealRuns(tenant, 1);
      expect((await head(tenant)).tree_size).toBe(2);
      const replaced = await verifyHead(file);
      expect(replaced.code).toBe(1);
      expect(replaced).toMatchObject({
        consistent: false,
        old_size: 2,
        new_size: 2,
        reason: 'the first 2 seals no longer hash to the kept root: the ledger was rewritten',
        proof_failure: {
          kind: 'root_mismatch',
          hash: 'new_root',
          computed: kept.root_hash,
          expected: replaced.new_root,
        },
      });
      expect(replaced.new_root).not.toBe(kept.root_hash);
    });
  });
});
