import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { runGoal, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { startLocalServer, type LocalServer } from '../support/local-http-server.js';
import { proveRun, runEvents, startedAttempts, typesOf, verdictOf } from '../support/run-inspection.js';

/**
 * JSON nested far deeper than anything real: a remote answer 3,000 levels deep, a plan template
 * 10,000 levels deep, a bundle to verify. Each used to overflow the stack of a recursive walk
 * (exit 4, a run left `running` that every resume crashed on again). The limit is MAX_JSON_DEPTH
 * (domain/json/json-depth.ts): an input over it is refused (exit 2, nothing written), a response
 * over it fails its step `bad_response`, and the run completes `failed`.
 */
const TENANT = 'tenant-deep-json';

const deepObject = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

const writeJsonFile = async (name: string, text: string): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'aos-deep-')), name);
  await writeFile(file, text);
  return file;
};

describe('deeply nested JSON: refused as input, a failed step as a response, never a crash', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: LocalServer;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    server = await startLocalServer((hit, response) => {
      const body = hit.path === '/deep-array' ? deepArray(3000) : deepObject(3000);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it.each(['/deep-object', '/deep-array'])(
    'an answer 3,000 levels deep (%s) fails its step bad_response: the run completes failed, exit 1, and resume adds nothing',
    async (path) => {
      const agentId = await registerAgent(
        env,
        TENANT,
        [
          { skill: 'http_call', params: { method: 'GET', url: `${server.base}${path}` } },
          { skill: 'echo', params: { message: 'not reached' } },
        ],
        ['--allowed-host', server.host],
      );
      const run = await runGoal(env, TENANT, agentId, 'fetch something deep');
      expect(run.result.code, run.result.stderr).toBe(1);
      expect(run.status).toBe('failed');
      const events = await runEvents(db.pool, run.run_id);
      expect(typesOf(events)).toEqual([
        'RunCreated',
        'RunPlanned',
        'RunStarted',
        'StepExecuted',
        'RunCompleted',
      ]);
      expect(events[3]?.data).toMatchObject({
        step_index: 0,
        status: 'failed',
        outcome: { category: 'bad_response', code: 'RESPONSE_TOO_DEEP', data: { status: 200 } },
      });
      expect(events[4]?.data).toEqual({
        status: 'failed',
        error: {
          code: 'STEP_FAILED',
          message: 'step 0 (http_call) failed: RESPONSE_TOO_DEEP',
          step_index: 0,
        },
      });
      expect(verdictOf(await proveRun(env, TENANT, run.run_id))).toEqual({
        code: 0,
        verification_status: 'VERIFIED',
        divergence: null,
        seal: 'sealed',
      });

      const before = await tableCounts(db.pool);
      const resumed = await runCli(
        'aos',
        ['runs', 'resume', '--tenant-id', TENANT, '--run-id', run.run_id, '--json'],
        env,
      );
      expect(resumed.code, resumed.stderr).toBe(1);
      expect(jsonOf<{ status: string }>(resumed).status).toBe('failed');
      expect(startedAttempts(await runEvents(db.pool, run.run_id))).toEqual([1]);
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );

  it.each([
    ['10,000 levels of objects', 10_000, deepObject],
    ['10,000 levels of arrays', 10_000, deepArray],
    ['1,800 levels of objects', 1_800, deepObject],
  ])(
    'a plan template nesting %s → exit 2 naming plan-template, nothing written',
    async (_label, levels, deep) => {
      const template = await writeJsonFile(
        'template.json',
        `{"steps":[{"skill":"echo","params":{"message":"hi","extra":${deep(levels)}}}]}`,
      );
      const before = await tableCounts(db.pool);
      const refused = await runCli(
        'aos',
        ['agents', 'create', '--tenant-id', TENANT, '--name', 'deep', '--plan-template', template, '--json'],
        env,
      );
      expect(refused.code, refused.stderr).toBe(2);
      const { error } = jsonOf<{ error: { code: string; field: string; message: string } }>(refused);
      expect(error).toMatchObject({ code: 'invalid_input', field: 'plan-template' });
      expect(error.message).toMatch(
        /^--plan-template: steps\[0\]\.params\.extra.*: nests arrays and objects deeper than 256 levels/,
      );
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );

  it('a goal that looks like deeply nested JSON is only text: the run succeeds', async () => {
    const agentId = await registerAgent(env, TENANT, [{ skill: 'echo', params: { message: '{{goal}}' } }]);
    const goal = '['.repeat(3999);
    const run = await runGoal(env, TENANT, agentId, goal);
    expect(run.result.code, run.result.stderr).toBe(0);
    const events = await runEvents(db.pool, run.run_id);
    expect(events.find((e) => e.type === 'StepExecuted')?.data).toMatchObject({
      status: 'succeeded',
      outcome: { data: { message: goal } },
    });
  });

  it('aos verify of a bundle nesting 10,000 levels → exit 2 naming the file, not a crash', async () => {
    const bundle = await writeJsonFile(
      'bundle.json',
      `{"format":"aos.runproof.bundle.v1","events":[{"seq":0,"data":${deepObject(10_000)}}]}`,
    );
    const refused = await runCli('aos', ['verify', bundle, '--json'], env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(jsonOf<{ error: { code: string; field: string; message: string } }>(refused).error).toMatchObject({
      code: 'invalid_input',
      field: 'file',
      message: expect.stringContaining('nests arrays and objects deeper than'),
    });
  });
});
