import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tableCounts } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

describe('aos-int demo', () => {
  let customer: TestDatabase;
  let sandbox: TestDatabase;

  beforeAll(async () => {
    customer = await freshDatabase();
    sandbox = await freshDatabase({ migrated: false });
  });
  afterAll(async () => {
    await customer.drop();
    await sandbox.drop();
  });

  it('runs a sample agent end to end in its sandbox and never writes to the customer database', async () => {
    const env = { DATABASE_URL: customer.url, AOS_DEMO_DATABASE_URL: sandbox.url };
    const agent = await registerAgent(env, 'tenant-real', echoSteps);
    await runGoal(env, 'tenant-real', agent);
    const before = await tableCounts(customer.pool);

    const demo = await runCli('aos-int', ['demo', '--json'], env);
    expect(demo.code).toBe(0);
    const result = jsonOf<{
      status: string;
      tenant_id: string;
      integrity: { verification_status: string; model: string };
      step_count: number;
    }>(demo);
    expect(result).toMatchObject({
      status: 'succeeded',
      integrity: { model: 'HASH_CHAIN', verification_status: 'VERIFIED' },
      step_count: 3,
    });

    expect(await tableCounts(customer.pool)).toEqual(before);
    const sandboxPool = new pg.Pool({ connectionString: sandbox.url });
    try {
      expect((await tableCounts(sandboxPool)).aos_traces).toBe(1);
    } finally {
      await sandboxPool.end();
    }
  });

  it('prints the proof for people, and refuses a sandbox that is the customer database', async () => {
    const env = { DATABASE_URL: customer.url, AOS_DEMO_DATABASE_URL: sandbox.url };
    const text = await runCli('aos-int', ['demo'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Verification status: VERIFIED');
    const same = await runCli('aos-int', ['demo', '--json'], {
      DATABASE_URL: customer.url,
      AOS_DEMO_DATABASE_URL: customer.url,
    });
    expect(same.code).toBe(2);
  });

  it('without AOS_DEMO_DATABASE_URL uses a database of its own on the same server', async () => {
    const before = await tableCounts(customer.pool);
    const demo = await runCli('aos-int', ['demo', '--json'], { DATABASE_URL: customer.url });
    expect(demo.code).toBe(0);
    expect(jsonOf<{ sandbox_database: string }>(demo).sandbox_database).toBe('aos_demo_sandbox');
    expect(await tableCounts(customer.pool)).toEqual(before);
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS aos_demo_sandbox WITH (FORCE)');
    await admin.end();
  });
});
