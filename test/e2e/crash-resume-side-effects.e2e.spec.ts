import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgent } from '../support/in-process-fixtures.js';
import { killHard, newRunId } from '../support/cli-process.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import {
  executedStepIndexes,
  proveRun,
  runEvents,
  startedAttempts,
  typesOf,
  verdictOf,
  waitFor,
} from '../support/run-inspection.js';
import { TENANT, crashResume } from './support/crash-resume-fixture.js';

/** A run killed while an http_call step is in flight (the server got the request), then resumed:
 * the step is recorded as interrupted, or sent again when asked to or when its method is idempotent. */
describe('crash and resume: a run killed with SIGKILL at any point is continued by aos runs resume', () => {
  const { db, env, startRun, resume, traceRow } = crashResume();
  let server: LocalServer;

  beforeAll(async () => {
    // The first request to a path hangs (the step is in flight when the process dies); later ones answer.
    server = await startLocalServer((_hit, response, n) =>
      n === 1 ? undefined : sendJson(response, 200, { ok: true }),
    );
  });
  afterAll(async () => server.close());

  describe('a step with side effects in flight at the kill (http_call, the server got the request)', () => {
    it.each([
      ['POST', 'is recorded as failed STEP_INTERRUPTED and not sent again', [], false],
      ['POST', 'is sent again with --rerun-interrupted', ['--rerun-interrupted'], true],
      ['PUT', 'is sent again without the flag: PUT is idempotent', [], true],
    ] as const)('%s %s', async (method, _label, flags, rerun) => {
      const path = `/side-effect-${method}-${flags.length}`;
      const agent = await registerAgent(
        env,
        TENANT,
        [
          { skill: 'echo', params: { message: '{{goal}}' } },
          { skill: 'http_call', params: { method, url: `${server.base}${path}`, body: { order: 1 } } },
          { skill: 'echo', params: { message: 'after' } },
        ],
        ['--allowed-host', server.host],
      );
      const run = await startRun(agent);
      const runId = await newRunId(db.pool, TENANT, run.known);
      await waitFor('the request at the server', async () =>
        server.hitsTo(path).length === 1 ? true : undefined,
      );
      await killHard(run.cli);
      expect(typesOf(await runEvents(db.pool, runId))).toEqual([
        'RunCreated',
        'RunPlanned',
        'RunStarted',
        'StepExecuted',
      ]);

      const resumed = await resume(runId, [...flags]);
      expect(resumed.code, resumed.stderr).toBe(rerun ? 0 : 1);
      expect(resumed).toMatchObject({
        status: rerun ? 'succeeded' : 'failed',
        integrity: { verification_status: 'VERIFIED' },
        seal: { status: 'sealed' },
      });
      expect(server.hitsTo(path).map((h) => [h.method, JSON.parse(h.body)])).toEqual(
        (rerun ? [1, 2] : [1]).map(() => [method, { order: 1 }]),
      );
      const events = await runEvents(db.pool, runId);
      expect(startedAttempts(events)).toEqual([1, 2]);
      expect(executedStepIndexes(events)).toEqual(rerun ? [0, 1, 2] : [0, 1]);
      const step = events.find((e) => e.type === 'StepExecuted' && e.data.step_index === 1)?.data;
      if (rerun) {
        expect(step).toMatchObject({
          status: 'succeeded',
          outcome: { category: 'success', code: 'HTTP_200' },
          retry_count: 0,
        });
      } else {
        expect(step).toMatchObject({
          status: 'failed',
          outcome: { category: 'interrupted', code: 'STEP_INTERRUPTED' },
          cost_cents: 0,
          retry_count: 0,
        });
        expect(JSON.stringify(step)).toContain('--rerun-interrupted');
        expect(events.at(-1)?.data).toEqual({
          status: 'failed',
          error: {
            code: 'STEP_FAILED',
            message: 'step 1 (http_call) failed: STEP_INTERRUPTED',
            step_index: 1,
          },
        });
        expect(await traceRow(runId)).toEqual({ status: 'failed', step_count: 2, error_code: 'STEP_FAILED' });
      }
      expect(verdictOf(await proveRun(env, TENANT, runId))).toEqual({
        code: 0,
        verification_status: 'VERIFIED',
        divergence: null,
        seal: 'sealed',
      });
    });
  });
});
