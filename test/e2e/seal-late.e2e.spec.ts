import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { proveRun, verdictOf } from '../support/run-inspection.js';

/**
 * `aos-int runs seal-late`: a run completed before runs were sealed with their completion has no
 * seal and fails its proof; an operator who has checked its history seals it, and the signed
 * checkpoint records that it was sealed late, by whom, why and when.
 */
type ErrorJson = { error: { code: string; message: string } };

let db: TestDatabase;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await freshDatabase();
  env = await withSigningKey({ DATABASE_URL: db.url });
});
afterAll(async () => db.drop());

const eventCount = async () =>
  Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM aos_events')).rows[0]?.n);

describe('aos-int runs seal-late: a completed run without a seal, sealed by an operator', () => {
  const tenant = 'tenant-sealed-late';
  let runId: string;
  beforeAll(async () => {
    // A run as a build before sealed completions could leave it: completed, its seal never
    // appended (made here by deleting the seal, the ledger's only entry, and its index row).
    const run = await runGoal(env, tenant, await registerAgent(env, tenant, echoSteps));
    expect(run.result.code, run.result.stderr).toBe(0);
    runId = run.run_id;
    await tamper(db.pool, 'DELETE FROM aos_run_seals WHERE run_id = $1', [runId]);
    await tamper(db.pool, 'DELETE FROM aos_events WHERE stream_id = $1', [`aos-ledger-${tenant}`]);
    expect((await proveRun(env, tenant, runId)).code).toBe(1);
  });
  const sealLate = (args: string[]) =>
    runCli('aos-int', ['runs', 'seal-late', '--tenant-id', tenant, '--json', ...args], env);

  it('seals it, recording in the signed checkpoint that it was sealed late, by whom, why and when; then aos proof is VERIFIED and says so', async () => {
    const started = new Date().toISOString();
    const sealed = await sealLate([
      '--run-id',
      runId,
      '--by',
      'ops: Jane Doe',
      '--reason',
      'completed before 0.2',
    ]);
    expect(sealed.code, sealed.stderr).toBe(0);
    const document = jsonOf<{ checkpoint: { late: unknown; sealed_at: string }; integrity: unknown }>(sealed);
    expect(document).toMatchObject({
      ledger_index: 0,
      checkpoint: { run_id: runId, late: { by: 'ops: Jane Doe', reason: 'completed before 0.2' } },
      integrity: { verification_status: 'VERIFIED' },
      seal: { status: 'sealed', late: { by: 'ops: Jane Doe', reason: 'completed before 0.2' } },
    });
    expect(document.checkpoint.sealed_at >= started).toBe(true);

    const proof = await proveRun(env, tenant, runId);
    expect(verdictOf(proof)).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
    const text = await runCli('aos', ['proof', '--tenant-id', tenant, '--run-id', runId], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `seal: sealed late by ops: Jane Doe at ${document.checkpoint.sealed_at} (reason: completed before 0.2)`,
    );
    const swept = await runCli('aos-int', ['verify-all', '--tenant-id', tenant, '--json'], env);
    expect(swept.code).toBe(0);
    expect(jsonOf(swept)).toMatchObject({ runs: 1, verified: 1, failed: 0, sealed_late: 1, unsealed: 0 });
  });

  it('exports a bundle the offline verifier accepts with the trusted key, showing the late seal', async () => {
    const exported = await runCli('aos', ['export', '--tenant-id', tenant, '--run-id', runId], env);
    expect(exported.code, exported.stderr).toBe(0);
    const directory = await mkdtemp(join(tmpdir(), 'aos-late-bundle-'));
    const file = join(directory, 'bundle.json');
    await writeFile(file, exported.stdout);
    const keyFile = join(env.AOS_KEYS_DIR!, 'public-keys');
    const [record] = await readdir(keyFile);
    const verified = await runCli('aos', ['verify', file, '--public-key', join(keyFile, record!)], env);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('Verification status: VERIFIED');
    expect(verified.stdout).toContain('sealed late by ops: Jane Doe');
  });

  it('refuses a run that is already sealed (exit 1, naming its seal) and a run that does not exist (exit 3), writing nothing', async () => {
    const before = await eventCount();
    const again = await sealLate(['--run-id', runId, '--by', 'someone else']);
    expect(again.code).toBe(1);
    expect(jsonOf<ErrorJson>(again).error).toMatchObject({
      code: 'already_sealed',
      message: expect.stringContaining('tenant ledger index 0'),
    });
    const missing = await sealLate(['--run-id', '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a', '--by', 'ops']);
    expect(missing.code).toBe(3);
    const noName = await sealLate(['--run-id', runId]);
    expect(noName.code).toBe(2);
    expect(await eventCount()).toBe(before);
  });
});
