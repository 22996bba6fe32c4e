import { describe, expect, it } from 'vitest';
import { runGoal } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { proveRun, runEvents, verdictOf } from '../support/run-inspection.js';
import { TENANT, secretsFixture } from './support/secrets-fixture.js';

/** A step whose secret is not set (or set but empty): it fails SECRET_NOT_SET naming the variable,
 * calls nothing, and the run still proves VERIFIED. */
describe('secrets never reach the ledger, the database files or the CLI output', () => {
  const { db, env, server } = secretsFixture();

  it.each([
    ['not set', undefined],
    ['set but empty', ''],
  ])(
    'fails the step SECRET_NOT_SET when AOS_SECRET_MISSING_X is %s, calls nothing, proves VERIFIED',
    async (_label, value) => {
      const agentId = await registerAgent(
        env,
        TENANT,
        [
          {
            skill: 'http_call',
            params: {
              method: 'GET',
              url: `${server.base}/never`,
              headers: { Authorization: 'Token {{secret:MISSING_X}}' },
            },
          },
          { skill: 'echo', params: { message: 'not reached' } },
        ],
        ['--allowed-host', server.host],
      );
      const run = await runGoal(
        value === undefined ? env : { ...env, AOS_SECRET_MISSING_X: value },
        TENANT,
        agentId,
      );
      expect(run.result.code, run.result.stderr).toBe(1);
      expect(run.status).toBe('failed');
      expect(server.hitsTo('/never')).toHaveLength(0);
      const events = await runEvents(db.pool, run.run_id);
      expect(events.filter((e) => e.type === 'StepExecuted').map((e) => e.data)).toEqual([
        expect.objectContaining({
          step_index: 0,
          status: 'failed',
          retry_count: 0,
          params: expect.objectContaining({ headers: { Authorization: 'Token {{secret:MISSING_X}}' } }),
          outcome: {
            category: 'configuration_error',
            code: 'SECRET_NOT_SET',
            data: {
              message: 'secret MISSING_X is not set (environment variable AOS_SECRET_MISSING_X)',
              path: 'headers.Authorization',
            },
          },
        }),
      ]);
      expect(events.at(-1)?.data).toEqual({
        status: 'failed',
        error: { code: 'STEP_FAILED', message: 'step 0 (http_call) failed: SECRET_NOT_SET', step_index: 0 },
      });
      expect(verdictOf(await proveRun(env, TENANT, run.run_id))).toEqual({
        code: 0,
        verification_status: 'VERIFIED',
        divergence: null,
        seal: 'sealed',
      });
    },
  );
});
