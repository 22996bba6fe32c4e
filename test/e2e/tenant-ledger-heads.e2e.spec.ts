import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { fromHexList, rfcMerkleTreeHash, rfcVerifyConsistency } from '../support/independent-rfc9162.js';
import { hexRoot, tenantLedger, type Consistency } from './support/tenant-ledger-fixture.js';

/** Signed tree heads and consistency proofs of an untampered ledger: roots an independent
 * implementation recomputes, heads checked only with a key that signed them, the empty ledger. */
describe('tenant ledger: signed tree heads, consistency proofs, aos verify head.note', () => {
  const { db, env, sealRuns, head, keepHead, consistency, verifyHead, independentRoots } = tenantLedger();

  it('signs heads whose roots an independent implementation recomputes, and proves every later head consistent with them', async () => {
    const tenant = 'tenant-ledger-ok';
    await sealRuns(tenant, 2);
    const { file, head: first } = await keepHead(tenant, 'first.note');
    const note = first.note.split('\n');
    expect(note.slice(0, 3)).toEqual([
      `aos.runproof/${tenant}`,
      '2',
      hexRoot(first.root_hash).toString('base64'),
    ]);
    expect(note[4]).toMatch(/^\u2014 aos\.runproof [A-Za-z0-9+/]+=*$/);
    expect(first.root_hash).toBe((await independentRoots(tenant))[2]);

    await sealRuns(tenant, 3);
    const second = await head(tenant);
    const roots = await independentRoots(tenant);
    expect(second).toMatchObject({
      tenant_id: tenant,
      tree_size: 5,
      root_hash: roots[5],
      key_id: first.key_id,
    });

    const pairs = [
      [0, 5],
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
      [2, 3],
      [1, 4],
    ] as const;
    const proofs = await Promise.all(pairs.map(([from, to]) => consistency(tenant, from, to)));
    for (const [n, [from, to]] of pairs.entries()) {
      const proved = proofs[n] as Consistency;
      expect(proved, `${from}->${to}`).toMatchObject({
        tenant_id: tenant,
        from,
        to,
        old_root: roots[from],
        new_root: roots[to],
      });
      expect(
        rfcVerifyConsistency(
          from,
          to,
          hexRoot(roots[from] ?? ''),
          hexRoot(roots[to] ?? ''),
          fromHexList(proved.proof),
        ),
        `${from}->${to}`,
      ).toBe(true);
    }
    const kept = proofs[2] as Consistency;
    expect(kept.old_root).toBe(first.root_hash);
    const forged = fromHexList(kept.proof);
    forged[0]![0]! ^= 1;
    expect(rfcVerifyConsistency(2, 5, hexRoot(first.root_hash), hexRoot(second.root_hash), forged)).toBe(
      false,
    );

    const checked = await verifyHead(file);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked).toMatchObject({
      kind: 'tree_head',
      tenant_id: tenant,
      old_root: first.root_hash,
      signed_by: [first.key_id],
      consistent: true,
      old_size: 2,
      new_size: 5,
      new_root: second.root_hash,
      proof: kept.proof,
    });
  });

  it('checks a kept head only with a key that signed it: AOS_KEYS_DIR, or --public-key', async () => {
    const tenant = 'tenant-ledger-keys';
    await sealRuns(tenant, 1);
    const { file, head: kept } = await keepHead(tenant, 'keys.note');
    const publicKeys = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    const pinned = await verifyHead(file, [
      '--public-key',
      join(publicKeys, (await readdir(publicKeys))[0] ?? ''),
    ]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned).toMatchObject({ consistent: true, signed_by: [kept.key_id], old_size: 1, new_size: 1 });

    const other = await withSigningKey({ DATABASE_URL: db.url });
    const otherKeys = join(other.AOS_KEYS_DIR ?? '', 'public-keys');
    for (const [extra, verifierEnv] of [
      // AOS_KEYS_DIR's keys are trusted beside --public-key: the verifier's own store, not the producer's.
      [['--public-key', join(otherKeys, (await readdir(otherKeys))[0] ?? '')], other],
      [[], other],
    ] as const) {
      const refused = await verifyHead(file, [...extra], verifierEnv);
      expect(refused.code).toBe(1);
      expect(refused).toMatchObject({
        kind: 'tree_head',
        consistent: false,
        reason: expect.stringMatching(/^the tree head does not verify/),
      });
    }
  });

  it('gives an empty ledger the empty-tree root, and refuses --from above --to or --to beyond the ledger (exit 2)', async () => {
    const tenant = 'tenant-ledger-empty';
    expect(await head(tenant)).toMatchObject({
      tree_size: 0,
      root_hash: rfcMerkleTreeHash([]).toString('hex'),
    });
    for (const [from, to, field] of [
      [3, 2, 'from'],
      [0, 1, 'to'],
    ] as const) {
      const refused = await runCli(
        'aos',
        [
          'ledger',
          'consistency',
          '--tenant-id',
          tenant,
          '--from',
          String(from),
          '--to',
          String(to),
          '--json',
        ],
        env,
      );
      expect(refused.code).toBe(2);
      expect(jsonOf<{ error: { field: string } }>(refused).error.field).toBe(field);
    }
  });
});
