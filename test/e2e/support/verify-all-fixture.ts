import { afterAll, beforeAll, expect } from 'vitest';
import { jsonOf, runCli } from '../../support/cli.js';
import { echoSteps, withSigningKey } from '../../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';
import { registerAgent, runInProcess } from '../../support/in-process-fixtures.js';

/**
 * `aos-int verify-all` (test/e2e/verify-all-*.e2e.spec.ts): every run proved, streaming, with a
 * summary; exit 1 when any failed. Each file's database starts with tenants A (3 sealed runs) and
 * B (2); a test that needs more adds a tenant of its own and looks at it with --tenant-id.
 */
export const A = 'tenant-sweep-a';
export const B = 'tenant-sweep-b';

export type Divergence = {
  source: string;
  seq: number | null;
  field: string;
  expected: unknown;
  actual: unknown;
};
type Summary = {
  tenant_id: string | null;
  runs: number;
  verified: number;
  failed: number;
  unsealed: number;
  not_found: number;
  seconds: number;
  failed_runs: Array<{
    tenant_id: string;
    run_id: string;
    reason: string | null;
    divergence: Divergence | null;
  }>;
};

export const ledgerStream = (tenant: string) => `aos-ledger-${tenant}`;

/** The test file's own database with tenants A and B sealed (`db` and `env` filled in place by the
 * beforeAll this registers in the calling describe), the run ids sealed per tenant, and the sweep. */
export const verifyAllSweep = () => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  const runsOf = new Map<string, string[]>();

  const sealRuns = async (tenant: string, count: number): Promise<string[]> => {
    const agentId = await registerAgent(env, tenant, echoSteps);
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const run = await runInProcess(env, tenant, agentId);
      expect(run.seal.status).toBe('sealed');
      ids.push(run.run_id);
    }
    runsOf.set(tenant, ids);
    return ids;
  };
  const verifyAll = async (tenant?: string) => {
    const result = await runCli(
      'aos-int',
      ['verify-all', '--json', ...(tenant ? ['--tenant-id', tenant] : [])],
      env,
    );
    return { code: result.code, stderr: result.stderr, ...jsonOf<Summary>(result) };
  };

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url }));
    await sealRuns(A, 3);
    await sealRuns(B, 2);
  });
  afterAll(async () => db.drop());

  return { db, env, runsOf, sealRuns, verifyAll };
};
