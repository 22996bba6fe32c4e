import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import {
  fromHexList,
  rfcLeafHash,
  rfcMerkleTreeHash,
  rfcVerifyConsistency,
} from '../support/independent-rfc9162.js';

/**
 * The tenant ledger through the real CLI: signed tree heads (`aos ledger head`), consistency
 * proofs (`aos ledger consistency`) checked by an independent RFC 9162 verifier against roots
 * recomputed independently from the stored seals, and `aos verify head.note`, which checks that
 * the ledger as stored now still extends a head an auditor kept, before and after someone with
 * full database write access removes or rewrites a seal.
 */

type Head = { tenant_id: string; tree_size: number; root_hash: string; key_id: string; note: string };
type Consistency = {
  tenant_id: string;
  from: number;
  to: number;
  old_root: string;
  new_root: string;
  proof: string[];
};
type HeadCheck = {
  kind: string;
  tenant_id: string;
  old_root: string;
  signed_by: string[];
  consistent: boolean;
  old_size: number;
  new_size: number;
  new_root: string;
  reason?: string;
  proof_failure?: { kind: string };
  proof: string[];
};

const ledgerStream = (tenant: string) => `aos-ledger-${tenant}`;

describe('tenant ledger: signed tree heads, consistency proofs, aos verify head.note', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let directory: string;
  const agents = new Map<string, string>();

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    directory = await mkdtemp(join(tmpdir(), 'aos-ledger-'));
  });
  afterAll(async () => db.drop());

  const sealRuns = async (tenant: string, count: number): Promise<string[]> => {
    if (!agents.has(tenant)) agents.set(tenant, await createAgent(env, tenant, echoSteps));
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const run = await runGoal(env, tenant, agents.get(tenant) ?? '');
      expect(run.result.code, run.result.stderr).toBe(0);
      ids.push(run.run_id);
    }
    return ids;
  };
  const head = async (tenant: string): Promise<Head> => {
    const result = await runCli('aos', ['ledger', 'head', '--tenant-id', tenant, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<Head>(result);
  };
  /** Keeps the head the way an auditor would: the text output, in a file. */
  const keepHead = async (tenant: string, name: string): Promise<{ file: string; head: Head }> => {
    const [text, json] = await Promise.all([
      runCli('aos', ['ledger', 'head', '--tenant-id', tenant], env),
      head(tenant),
    ]);
    expect(text.code, text.stderr).toBe(0);
    // Ed25519 signatures are deterministic: the same ledger gives the same note.
    expect(text.stdout).toBe(json.note);
    const file = join(directory, name);
    await writeFile(file, text.stdout);
    return { file, head: json };
  };
  const consistency = async (tenant: string, from: number, to: number): Promise<Consistency> => {
    const result = await runCli(
      'aos',
      ['ledger', 'consistency', '--tenant-id', tenant, '--from', String(from), '--to', String(to), '--json'],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<Consistency>(result);
  };
  const verifyHead = async (file: string, extra: string[] = [], verifierEnv = env) => {
    const result = await runCli('aos', ['verify', file, '--json', ...extra], verifierEnv);
    return { code: result.code, stderr: result.stderr, ...jsonOf<HeadCheck>(result) };
  };
  const sealRows = async (tenant: string) =>
    (
      await db.pool.query<{ seq: number; data: string }>(
        'SELECT seq, data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
        [ledgerStream(tenant)],
      )
    ).rows;
  /** RFC 9162 roots of every prefix of the ledger, recomputed from the stored seals without domain/: leaf = JCS(checkpoint). */
  const independentRoots = async (tenant: string): Promise<string[]> => {
    const leaves = (await sealRows(tenant)).map((row) =>
      rfcLeafHash(
        Buffer.from(canonicalize((JSON.parse(row.data) as { checkpoint: unknown }).checkpoint) ?? '', 'utf8'),
      ),
    );
    return leaves
      .map((_, n) => n)
      .concat(leaves.length)
      .map((size) => rfcMerkleTreeHash(leaves.slice(0, size)).toString('hex'));
  };
  const hexRoot = (root: string) => Buffer.from(root, 'hex');

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
      [['--public-key', join(otherKeys, (await readdir(otherKeys))[0] ?? '')], env],
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
