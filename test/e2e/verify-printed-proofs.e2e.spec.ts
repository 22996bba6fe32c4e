import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { echoSteps, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent, runInProcess } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/** Issue 17 part 7: what `aos proof --step N --inclusion --json` and `aos ledger consistency --json`
 * print verifies offline with `aos verify` (no database: an AOS_HOME that stays empty), against a
 * pinned key, and fails once one hash in it is changed. */
const TENANT = 'tenant-printed';
type Verdict = {
  kind: string;
  verification_status: string;
  key_trust: string;
  signed_by: string[];
  failure_reason: string | null;
  divergence: { field: string } | null;
};
type Json = Record<string, unknown>;

const root = fileURLToPath(new URL('../../', import.meta.url));
/** `aos verify - ...` with `text` on standard input. */
const verifyStdin = (text: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dist/bin/aos.js`, 'verify', '-', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, CI: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(text);
  });

/** Another 64-hex hash: the first digit changed. */
const otherHash = (hex: string): string => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;

describe('aos verify: inclusion and consistency proofs as printed, offline', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const offline: NodeJS.ProcessEnv = {};
  let directory = '';
  let keyFile = '';
  let keyId = '';
  let runId = '';

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    directory = await mkdtemp(join(tmpdir(), 'aos-printed-'));
    offline.AOS_HOME = await mkdtemp(join(tmpdir(), 'aos-home-offline-'));
    const agent = await registerAgent(env, TENANT, echoSteps);
    const runs = [];
    // Run in this process (in-process-fixtures.ts): the file is about the printed proofs.
    for (let n = 0; n < 3; n++) runs.push(await runInProcess(env, TENANT, agent));
    for (const run of runs) expect(run.seal.status).toBe('sealed');
    runId = runs[1]?.run_id ?? '';
    const keys = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    keyFile = join(keys, (await readdir(keys))[0] ?? '');
    keyId = (JSON.parse(await readFile(keyFile, 'utf8')) as { key_id: string }).key_id;
  });
  afterAll(async () => db.drop());

  const printed = async (args: string[]): Promise<Json> => {
    const result = await runCli('aos', [...args, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<Json>(result);
  };
  const inclusion = () =>
    printed(['proof', '--tenant-id', TENANT, '--run-id', runId, '--step', '1', '--inclusion']);
  const consistency = (from: number, to: number) =>
    printed(['ledger', 'consistency', '--tenant-id', TENANT, '--from', String(from), '--to', String(to)]);
  let files = 0;
  const verify = async (document: Json, extra: string[] = ['--public-key', keyFile]) => {
    const file = join(directory, `doc-${files++}.json`);
    await writeFile(file, JSON.stringify(document, null, 2));
    const result = await runCli('aos', ['verify', file, '--json', ...extra], offline);
    return { code: result.code, stderr: result.stderr, ...jsonOf<Verdict>(result) };
  };

  it('an inclusion proof verifies with the pinned key, from a file and from standard input', async () => {
    const document = await inclusion();
    expect(document.format).toBe('aos.runproof.step-inclusion.v1');
    const verdict = await verify(document);
    expect(verdict, verdict.stderr).toMatchObject({
      code: 0,
      kind: 'step_inclusion',
      verification_status: 'VERIFIED',
      key_trust: 'pinned',
      signed_by: [keyId],
    });
    const piped = await verifyStdin(JSON.stringify(document), ['--public-key', keyFile], offline);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('Verification status: VERIFIED');
    expect(piped.stdout).toContain(`signed by key ${keyId} (a trusted key)`);
  });

  it('an inclusion proof: no key is exit 1 naming the key; the embedded key only when said', async () => {
    const document = await inclusion();
    const bare = await verify(document, []);
    expect(bare.code).toBe(1);
    expect(bare.failure_reason).toContain(keyId);
    expect(bare.divergence?.field).toBe('public_keys');
    const embedded = await verify(document, ['--trust-embedded-key']);
    expect(embedded).toMatchObject({ code: 0, verification_status: 'VERIFIED', key_trust: 'embedded' });
  });

  type Edit = (d: { inclusion: Json & { inclusion_path: string[] }; checkpoint: Json }) => void;
  it.each<[string, Edit, string]>([
    [
      'leaf_hash',
      (d) => void (d.inclusion.leaf_hash = otherHash(d.inclusion.leaf_hash as string)),
      'inclusion.leaf_hash',
    ],
    [
      'inclusion_path[0]',
      (d) => void (d.inclusion.inclusion_path[0] = otherHash(d.inclusion.inclusion_path[0] ?? '')),
      'inclusion.inclusion_path',
    ],
    [
      'merkle_root',
      (d) => void (d.inclusion.merkle_root = otherHash(d.inclusion.merkle_root as string)),
      'inclusion.inclusion_path',
    ],
    [
      'checkpoint.root_hash',
      (d) => void (d.checkpoint.root_hash = otherHash(d.checkpoint.root_hash as string)),
      'signature',
    ],
  ])('an inclusion proof with %s changed fails (exit 1)', async (_name, edit, field) => {
    const document = (await inclusion()) as Parameters<Edit>[0] & Json;
    edit(document);
    const verdict = await verify(document);
    expect(verdict).toMatchObject({ code: 1, verification_status: 'FAILED', divergence: { field } });
  });

  it('a consistency proof verifies with the pinned key, from the empty tree and between equal sizes too', async () => {
    for (const [from, to] of [
      [1, 3],
      [2, 3],
      [0, 3],
      [3, 3],
    ] as const) {
      const document = await consistency(from, to);
      expect(document).toMatchObject({ format: 'aos.runproof.ledger-consistency.v1', key_id: keyId });
      const verdict = await verify(document);
      expect(verdict, `${from}..${to}: ${verdict.failure_reason}`).toMatchObject({
        code: 0,
        kind: 'ledger_consistency',
        verification_status: 'VERIFIED',
        signed_by: [keyId],
      });
    }
    const piped = await verifyStdin(
      JSON.stringify(await consistency(1, 3)),
      ['--public-key', keyFile],
      offline,
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('Ledger consistency: tenant tenant-printed, size 1 to 3');
    expect(piped.stdout).toContain('Verification status: VERIFIED');
  });

  type ConsistencyEdit = (d: Json & { proof: string[] }) => void;
  it.each<[string, ConsistencyEdit, string]>([
    ['proof[0]', (d) => void (d.proof[0] = otherHash(d.proof[0] ?? '')), 'proof'],
    ['old_root', (d) => void (d.old_root = otherHash(d.old_root as string)), 'old_head.root_hash'],
    ['new_root', (d) => void (d.new_root = otherHash(d.new_root as string)), 'new_head.root_hash'],
    ['the new head', (d) => void (d.new_head = (d.new_head as string).replace(/\n3\n/, '\n4\n')), 'new_head'],
  ])('a consistency proof with %s changed fails (exit 1)', async (_name, edit, field) => {
    const document = (await consistency(1, 3)) as Parameters<ConsistencyEdit>[0];
    edit(document);
    const verdict = await verify(document);
    expect(verdict).toMatchObject({ code: 1, verification_status: 'FAILED', divergence: { field } });
  });

  it('a consistency proof: no key is exit 1 naming the key; another key is exit 1', async () => {
    const document = await consistency(1, 3);
    const bare = await verify(document, []);
    expect(bare).toMatchObject({ code: 1, divergence: { field: 'public_keys' } });
    expect(bare.failure_reason).toContain(keyId);
    const other = await withSigningKey({});
    const keys = join(other.AOS_KEYS_DIR ?? '', 'public-keys');
    const otherKey = join(keys, (await readdir(keys))[0] ?? '');
    const wrong = await verify(document, ['--public-key', otherKey]);
    expect(wrong).toMatchObject({ code: 1, divergence: { field: 'old_head' } });
  });
});
