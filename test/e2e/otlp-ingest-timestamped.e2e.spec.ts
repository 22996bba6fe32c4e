import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { makeTsaPki, startLocalTsa, type LocalTsa, type TsaPki } from '../support/local-tsa.js';
import { agentTraceSpans, otlpBody } from '../support/otel-agent-trace.js';
import { waitFor } from '../support/run-inspection.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';

/** Observed runs sealed by aos serve are time-stamped like runs executed here (AOS_TSA_URL). */
describe('aos serve with a time-stamp authority configured', () => {
  const tenant = 'tenant-observed-stamped';
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let directory: string;
  let pki: TsaPki;
  let tsa: LocalTsa;
  let served: Served | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
    directory = await mkdtemp(join(tmpdir(), 'aos-serve-tsa-'));
    pki = await makeTsaPki('trusted', directory);
    tsa = await startLocalTsa(pki);
    env = await withSigningKey({ DATABASE_URL: db.url, AOS_TSA_URL: tsa.url });
  });
  afterAll(async () => {
    served?.child.kill('SIGKILL');
    await tsa.close();
    await db.drop();
  });

  it("stamps an observed run's seal; its bundle verifies with the TSA's certificate, genTime shown", async () => {
    served = await startServe(env, ['--quiet-period-ms', '200']);
    await untilReady(served);
    const { token } = jsonOf<{ token: string }>(
      await runCli('aos-int', ['tokens', 'create', '--tenant-id', tenant, '--json'], env),
    );
    const response = await fetch(`http://127.0.0.1:${served.port}/v1/traces`, {
      method: 'POST',
      body: otlpBody('protobuf', await agentTraceSpans()),
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    await waitFor('the seal stamped', async () =>
      served!.stderr().includes('"event":"seals_stamped"') ? true : undefined,
    );
    const runs = jsonOf<{ runs: { run_id: string }[] }>(
      await runCli('aos', ['runs', 'list', '--tenant-id', tenant, '--json'], env),
    ).runs;
    const exported = await runCli('aos', ['export', '--tenant-id', tenant, '--run-id', runs[0]!.run_id], env);
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(directory, 'observed.json');
    await writeFile(file, exported.stdout);
    const keys = ['--trusted-keys', join(env.AOS_KEYS_DIR ?? '', 'public-keys')];
    const verified = await runCli('aos', ['verify', file, '--json', ...keys, '--tsa-cert', pki.tsaCert], {});
    expect(verified.code, verified.stderr).toBe(0);
    expect(jsonOf(verified)).toMatchObject({
      integrity: { verification_status: 'VERIFIED' },
      seal_timestamp: { status: 'verified', gen_time: expect.any(String) },
      observation: { source: 'otlp' },
    });
  });
});
