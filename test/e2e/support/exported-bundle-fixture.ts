import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { jsonOf, runCli } from '../../support/cli.js';
import { withSigningKey } from '../../support/cli-fixtures.js';
import { registerAgent, runInProcess } from '../../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';

/**
 * The offline audit path through the real CLI (test/e2e/bundle-offline-*.e2e.spec.ts): `aos export`
 * of a sealed run, `aos verify` of the file with no database at all, pinned keys, single-character
 * edits of the file (the exhaustive edit matrix is test/bundle/bundle-tamper.unit.spec.ts; there a
 * representative edit per region proves the CLI reports it), and step disclosure checked by an
 * independent RFC 9162 verifier.
 */
export const TENANT = 'tenant-bundle';
export const GOAL = 'goal-marker-7f3a';
export const MARKERS = ['alpha-marker-0', 'bravo-marker-1', 'charlie-marker-2'];
const STEPS = MARKERS.map((message) => ({ skill: 'echo', params: { message } }));
export const CHAIN_LENGTH = 7; // RunCreated, RunPlanned, RunStarted, 3 x StepExecuted, RunCompleted
export const FIRST_STEP_SEQ = 3;

export type Divergence = {
  source: string;
  seq: number | null;
  field: string;
  expected: unknown;
  actual: unknown;
};
export type Integrity = {
  model: string;
  verification_status: string;
  chain_length: number;
  root_hash: string | null;
  merkle_root: string | null;
  failure_reason: string | null;
  divergence: Divergence | null;
};
type Seal = { status: string; key_id: string | null; ledger_index: number | null; sealed_at: string | null };
type Verdict = {
  kind: string;
  tenant_id: string | null;
  run_id: string | null;
  key_trust: string;
  seal: Seal;
  integrity: Integrity;
};
export type Bundle = {
  events: Array<{ seq: number; type: string; data: { params?: { message: string } }; link: string }>;
  checkpoint: { root_hash: string; key_id: string };
  signature: string;
  public_keys: Array<{ key_id: string; public_key: string }>;
  ledger: {
    leaf_index: number;
    tree_size: number;
    inclusion_path: string[];
    root_hash: string;
    tree_head: string;
  };
};

/**
 * The middle of three sealed runs and its export (`exported`, parsed as `bundle`), made by the
 * hooks this registers in the calling describe in the test file's own database; `env`, `offline`
 * and `bundle` are filled in place by beforeAll, the rest is read from the returned object.
 */
export const exportedBundle = () => {
  const env: NodeJS.ProcessEnv = {};
  /** No DATABASE_URL, and an AOS_HOME that must stay empty: no embedded database may be started. */
  const offline: NodeJS.ProcessEnv = {};
  const bundle = {} as Bundle;
  const sealed = { env, offline, bundle, directory: '', runId: '', exported: '', keyFile: '', keyId: '' };
  const db = {} as TestDatabase;

  const bundleFile = async (name: string, text: string): Promise<string> => {
    const file = join(sealed.directory, name);
    await writeFile(file, text);
    return file;
  };
  const verify = async (file: string, extra: string[] = []) => {
    const result = await runCli('aos', ['verify', file, '--json', ...extra], offline);
    return { code: result.code, stderr: result.stderr, ...jsonOf<Verdict>(result) };
  };
  const proofOf = async (extra: string[] = []) => {
    const result = await runCli(
      'aos',
      ['proof', '--tenant-id', TENANT, '--run-id', sealed.runId, '--json', ...extra],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<{ integrity: Integrity; seal: Seal }>(result);
  };

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url }));
    sealed.directory = await mkdtemp(join(tmpdir(), 'aos-bundle-'));
    Object.assign(offline, { AOS_HOME: await mkdtemp(join(tmpdir(), 'aos-home-offline-')) });
    const agentId = await registerAgent(env, TENANT, STEPS);
    // The middle of three runs: its seal is ledger leaf 1 of 3, so its inclusion path is not empty.
    const runs = [];
    // Run in this process (in-process-fixtures.ts): the files are about the bundle, not `aos run`.
    for (let n = 0; n < 3; n++) runs.push(await runInProcess(env, TENANT, agentId, GOAL));
    for (const run of runs) expect(run.seal.status).toBe('sealed');
    sealed.runId = runs[1]?.run_id ?? '';
    const result = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', sealed.runId], env);
    expect(result.code, result.stderr).toBe(0);
    sealed.exported = result.stdout;
    Object.assign(bundle, JSON.parse(sealed.exported) as Bundle);
    const keyDirectory = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    const [name] = await readdir(keyDirectory);
    sealed.keyFile = join(keyDirectory, name ?? '');
    sealed.keyId = (JSON.parse(await readFile(sealed.keyFile, 'utf8')) as { key_id: string }).key_id;
  });
  afterAll(async () => db.drop());

  return Object.assign(sealed, { bundleFile, verify, proofOf });
};
