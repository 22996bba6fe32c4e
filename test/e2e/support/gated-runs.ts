import { afterAll, afterEach, beforeAll } from 'vitest';
import { withSigningKey } from '../../support/cli-fixtures.js';
import { registerAgent } from '../../support/in-process-fixtures.js';
import { installEventGate, type CliChild, type EventGate } from '../../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';

/**
 * For tests that stop CLI processes at exact points of a run: the test file's own database with the
 * event gate (test/support/cli-process.ts) installed, a signing key, an agent of `steps` for
 * `tenant`, and the list of the CLI processes the tests start, killed at the end. The hooks are
 * registered in the calling describe; `db`, `env` and `gate` are filled in place by beforeAll.
 */
export const gatedRuns = (tenant: string, steps: unknown[]) => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  const gate = {} as EventGate;
  const running: CliChild[] = [];
  const runs = { db, env, gate, running, agentId: '' };

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url }));
    Object.assign(gate, await installEventGate(db.pool));
    runs.agentId = await registerAgent(env, tenant, steps);
  });
  afterEach(async () => gate.release()); // a failed test must not leave the gate closed for the next
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await gate.close();
    await db.drop();
  });
  return runs;
};
