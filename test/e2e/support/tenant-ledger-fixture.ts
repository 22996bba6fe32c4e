import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, expect } from 'vitest';
import { jsonOf, runCli } from '../../support/cli.js';
import { echoSteps, withSigningKey } from '../../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';
import { registerAgent, runInProcess } from '../../support/in-process-fixtures.js';
import { rfcLeafHash, rfcMerkleTreeHash } from '../../support/independent-rfc9162.js';

/**
 * The tenant ledger through the real CLI (test/e2e/tenant-ledger-*.e2e.spec.ts): signed tree heads
 * (`aos ledger head`), consistency proofs (`aos ledger consistency`) checked by an independent
 * RFC 9162 verifier against roots recomputed independently from the stored seals, and
 * `aos verify head.note`, which checks that the ledger as stored now still extends a head an
 * auditor kept, before and after someone with full database write access removes or rewrites a seal.
 */

type Head = { tenant_id: string; tree_size: number; root_hash: string; key_id: string; note: string };
export type Consistency = {
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

export const ledgerStream = (tenant: string) => `aos-ledger-${tenant}`;
export const hexRoot = (root: string) => Buffer.from(root, 'hex');

/** The test file's own database and signing key (`db` and `env`, filled in place by the beforeAll
 * this registers in the calling describe), and the ledger commands and reads the tests use. */
export const tenantLedger = () => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  let directory: string;
  const agents = new Map<string, string>();

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url }));
    directory = await mkdtemp(join(tmpdir(), 'aos-ledger-'));
  });
  afterAll(async () => db.drop());

  const sealRuns = async (tenant: string, count: number): Promise<string[]> => {
    if (!agents.has(tenant)) agents.set(tenant, await registerAgent(env, tenant, echoSteps));
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const run = await runInProcess(env, tenant, agents.get(tenant) ?? '');
      expect(run.seal.status).toBe('sealed');
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

  return { db, env, sealRuns, head, keepHead, consistency, verifyHead, sealRows, independentRoots };
};
