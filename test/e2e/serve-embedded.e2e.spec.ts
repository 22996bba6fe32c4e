import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { killHard } from '../support/cli-process.js';
import { processesMentioning } from '../support/postgres-processes.js';
import { getJson, startServe, untilReady } from '../support/serve-process.js';

/** `aos serve` on the embedded database (no DATABASE_URL): it starts the server under AOS_HOME and
 * stops it when it shuts down; killed with SIGKILL, it leaves nothing a restart cannot take over. */
describe('aos serve on the embedded database', () => {
  let home: string;
  afterAll(async () => {
    await runCli('aos-int', ['db', 'stop'], { AOS_HOME: home });
    await rm(home, { recursive: true, force: true });
  });
  const postgresProcesses = () => processesMentioning(join(home, 'pg', 'data'));

  it('stops the embedded Postgres it started on SIGTERM; after a SIGKILL, a restart serves and then stops it', async () => {
    home = await mkdtemp(join(tmpdir(), 'aos-home-serve-'));
    await chmod(home, 0o755); // the postgres account must pass through it
    const env = await withSigningKey({ AOS_HOME: home });

    const first = await startServe(env);
    await untilReady(first);
    expect(await postgresProcesses()).not.toEqual([]);
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
    expect(await postgresProcesses()).toEqual([]);

    const killed = await startServe(env);
    await untilReady(killed);
    await killHard(killed);
    expect(await postgresProcesses()).not.toEqual([]); // its lease is left behind, stale

    const restarted = await startServe(env);
    await untilReady(restarted);
    expect(await getJson(restarted.port, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    restarted.child.kill('SIGTERM');
    expect((await restarted.done).code).toBe(0);
    expect(await postgresProcesses()).toEqual([]);
  });
});
