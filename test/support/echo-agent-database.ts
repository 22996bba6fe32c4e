import { afterAll, beforeAll } from 'vitest';
import { echoSteps, withSigningKey } from './cli-fixtures.js';
import { freshDatabase, type TestDatabase } from './fresh-database.js';
import { registerAgent } from './in-process-fixtures.js';

/** What an end-to-end describe block works on: its own database, a CLI environment on it with a
 * signing key, and an agent of echo steps in the tenant. */
export type EchoAgentDatabase = {
  readonly db: TestDatabase;
  readonly env: NodeJS.ProcessEnv;
  readonly agentId: string;
};

/** Makes an EchoAgentDatabase before the enclosing describe's tests (handed to `take`) and drops
 * its database after them: the set-up many e2e files shared as copies of one beforeAll. */
export const beforeAllEchoAgent = (tenant: string, take: (given: EchoAgentDatabase) => void): void => {
  let made: TestDatabase | undefined;
  beforeAll(async () => {
    const db = await freshDatabase();
    made = db;
    // Made in this process (in-process-fixtures.ts): the files are about the commands that follow.
    const env = await withSigningKey({ DATABASE_URL: db.url });
    take({ db, env, agentId: await registerAgent(env, tenant, echoSteps) });
  });
  afterAll(async () => made?.drop());
};
