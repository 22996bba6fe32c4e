import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { makeTsaPki, startLocalTsa, type LocalTsa, type TsaPki } from '../support/local-tsa.js';

/** Issue 17 part 6: with AOS_TSA_URL each seal gets an RFC 3161 time stamp over its signature from
 * a TSA (here `openssl ts -reply` behind node:http on 127.0.0.1), carried in the bundle and checked
 * by `aos verify --tsa-cert`. */
const TENANT = 'tenant-tsa';

type Bundle = { signature: string | null; seal_timestamp?: { token: string } };
type Verdict = {
  integrity: { verification_status: string; divergence: { source: string; field: string } | null };
  seal_timestamp: { status: string; gen_time: string | null };
};

describe('trusted time: RFC 3161 time stamps of seals', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let directory: string;
  let agentId: string;
  let pki: TsaPki;
  let otherPki: TsaPki;
  let tsa: LocalTsa;

  beforeAll(async () => {
    db = await freshDatabase();
    directory = await mkdtemp(join(tmpdir(), 'aos-tsa-e2e-'));
    pki = await makeTsaPki('trusted', directory);
    otherPki = await makeTsaPki('other', directory);
    tsa = await startLocalTsa(pki);
    env = await withSigningKey({ DATABASE_URL: db.url });
    agentId = await registerAgent(env, TENANT, echoSteps);
  });
  afterAll(async () => {
    await tsa.close();
    await db.drop();
  });

  const sealedRun = async (runEnv: NodeJS.ProcessEnv) => {
    const run = await runGoal(runEnv, TENANT, agentId, 'a goal with trusted time');
    expect(run.result.code, run.result.stderr).toBe(0);
    return { runId: run.run_id, stderr: run.result.stderr };
  };
  const exportRun = async (runId: string): Promise<Bundle> => {
    const result = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', runId], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Bundle;
  };
  const verify = async (bundle: Bundle, name: string, extra: string[]) => {
    const file = join(directory, name);
    await writeFile(file, JSON.stringify(bundle));
    const keys = ['--trusted-keys', join(env.AOS_KEYS_DIR ?? '', 'public-keys')];
    const json = await runCli('aos', ['verify', file, '--json', ...keys, ...extra], {});
    const text = await runCli('aos', ['verify', file, ...keys, ...extra], {});
    return { code: json.code, text: text.stdout, ...jsonOf<Verdict>(json) };
  };

  it('stamps a seal, carries the token in the bundle, and aos verify --tsa-cert says VERIFIED with genTime', async () => {
    const { runId } = await sealedRun({ ...env, AOS_TSA_URL: tsa.url });
    const bundle = await exportRun(runId);
    expect(bundle.seal_timestamp?.token).toMatch(/^MI/);
    const verdict = await verify(bundle, 'stamped.json', ['--tsa-cert', pki.tsaCert]);
    expect(verdict.integrity.verification_status).toBe('VERIFIED');
    expect(verdict.seal_timestamp.status).toBe('verified');
    expect(verdict.seal_timestamp.gen_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(verdict.text).toContain(`genTime ${verdict.seal_timestamp.gen_time}`);
    expect(verdict.code).toBe(0);

    const unpinned = await verify(bundle, 'stamped.json', []);
    expect(unpinned.code).toBe(0);
    expect(unpinned.seal_timestamp.status).toBe('not_checked');
    expect(unpinned.text).toContain('timestamp: not checked');

    const other = await verify(bundle, 'stamped.json', ['--tsa-cert', otherPki.tsaCert]);
    expect(other.code).toBe(1);
    expect(other.integrity.divergence).toMatchObject({
      source: 'checkpoint',
      field: 'seal_timestamp.tsa_certificate',
    });
  });

  it("fails a token swapped onto another run's bundle: its imprint is over another signature", async () => {
    const first = await exportRun((await sealedRun({ ...env, AOS_TSA_URL: tsa.url })).runId);
    const second = await exportRun((await sealedRun({ ...env, AOS_TSA_URL: tsa.url })).runId);
    const swapped = { ...second, seal_timestamp: first.seal_timestamp };
    for (const extra of [['--tsa-cert', pki.tsaCert], []]) {
      const verdict = await verify(swapped, 'swapped.json', extra);
      expect(verdict.code).toBe(1);
      expect(verdict.integrity.verification_status).toBe('FAILED');
      expect(verdict.integrity.divergence).toMatchObject({ field: 'seal_timestamp.message_imprint' });
    }
  });

  it('a TSA that is down does not fail the run: a warning, no token, verify-all reports it; aos-int ledger timestamp stamps it later', async () => {
    const down = await startLocalTsa(pki);
    await down.close();
    const { runId, stderr } = await sealedRun({ ...env, AOS_TSA_URL: down.url });
    expect(stderr).toContain('has no trusted time stamp');
    const bundle = await exportRun(runId);
    expect(bundle.seal_timestamp).toBeUndefined();
    const unstamped = await verify(bundle, 'unstamped.json', []);
    expect(unstamped.code).toBe(0);
    expect(unstamped.seal_timestamp.status).toBe('absent');
    const required = await verify(bundle, 'unstamped.json', ['--tsa-cert', pki.tsaCert]);
    expect(required.code).toBe(1);
    expect(required.integrity.divergence).toMatchObject({ field: 'seal_timestamp' });

    type Summary = { unstamped_seals?: Array<{ run_id: string }> };
    const reported = await runCli('aos-int', ['verify-all', '--tenant-id', TENANT, '--json'], {
      ...env,
      AOS_TSA_URL: tsa.url,
    });
    expect(reported.code, reported.stderr).toBe(0);
    expect(jsonOf<Summary>(reported).unstamped_seals?.map((u) => u.run_id)).toEqual([runId]);
    const quiet = await runCli('aos-int', ['verify-all', '--tenant-id', TENANT, '--json'], env);
    expect(jsonOf<Summary>(quiet).unstamped_seals).toBeUndefined();

    const missing = await runCli('aos-int', ['ledger', 'timestamp', '--tenant-id', TENANT, '--json'], {
      ...env,
      AOS_TSA_URL: down.url,
    });
    expect(missing.code).toBe(1);
    const sweep = await runCli('aos-int', ['ledger', 'timestamp', '--tenant-id', TENANT, '--json'], {
      ...env,
      AOS_TSA_URL: tsa.url,
    });
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(jsonOf<{ tenants: Array<{ stamped: number }> }>(sweep).tenants[0]?.stamped).toBe(1);
    const later = await verify(await exportRun(runId), 'stamped-later.json', ['--tsa-cert', pki.tsaCert]);
    expect(later.code).toBe(0);
    expect(later.seal_timestamp.status).toBe('verified');
  });

  it('without AOS_TSA_URL nothing is asked and the bundle has no token', async () => {
    const requests = tsa.requests;
    const { runId, stderr } = await sealedRun(env);
    expect(stderr).not.toContain('time stamp');
    expect((await exportRun(runId)).seal_timestamp).toBeUndefined();
    expect(tsa.requests).toBe(requests);
  });
});
