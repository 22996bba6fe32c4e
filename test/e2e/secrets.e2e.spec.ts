import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { createAgent, runGoal, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import { proveRun, runEvents, verdictOf } from '../support/run-inspection.js';
import {
  checkpointServer,
  dumpAllTables,
  filesContaining,
  pgDump,
  pgDumpMajor,
} from '../support/secret-scan.js';

/**
 * Secrets: `{{secret:API_TOKEN}}` in a template is resolved from AOS_SECRET_API_TOKEN only for the
 * call. A local server gets the real value and echoes it back in several shapes; afterwards the
 * value must be nowhere: not in any table, not in any file of the server's data directory (WAL
 * included), not in pg_dump's output, not in any CLI output.
 */
const TENANT = 'tenant-secrets';
// Letters, digits and "-" only: the same bytes raw, JSON-escaped and percent-encoded.
const SECRET = `sk-live-${randomBytes(24).toString('hex')}`;

describe('secrets never reach the ledger, the database files or the CLI output', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: LocalServer;
  let runId: string;
  const outputs: CliResult[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url, AOS_SECRET_API_TOKEN: SECRET });
    server = await startLocalServer((hit, response) => {
      const auth = String(hit.headers.authorization ?? '');
      sendJson(response, 200, {
        authorization: auth,
        echoed: auth,
        url_encoded: `https://x.test/?t=${encodeURIComponent(auth)}`,
        list: [auth, { deep: `was ${auth}` }],
        body: hit.body,
      });
    });
    const agentId = await createAgent(
      env,
      TENANT,
      [
        {
          skill: 'http_call',
          params: {
            method: 'POST',
            url: `${server.base}/echo`,
            headers: { Authorization: 'Bearer {{secret:API_TOKEN}}' },
            body: { note: '{{goal}}' },
          },
        },
        { skill: 'json_transform', params: { expression: 'body.echoed', input_from_step: 0 } },
      ],
      ['--allowed-host', server.host],
    );
    const run = await runGoal(env, TENANT, agentId, 'use the token');
    outputs.push(run.result);
    expect(run.result.code, run.result.stderr).toBe(0);
    runId = run.run_id;
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it('sends the real value to the server, stores only references and [REDACTED], proves VERIFIED', async () => {
    expect(server.hitsTo('/echo').map((h) => h.headers.authorization)).toEqual([`Bearer ${SECRET}`]);
    const events = await runEvents(db.pool, runId);
    const steps = events.filter((e) => e.type === 'StepExecuted').map((e) => e.data);
    expect(steps[0]).toMatchObject({
      params: {
        method: 'POST',
        headers: { Authorization: 'Bearer {{secret:API_TOKEN}}' },
        body: { note: 'use the token' },
      },
      status: 'succeeded',
      outcome: {
        data: {
          body: {
            authorization: '[REDACTED]',
            echoed: 'Bearer [REDACTED]',
            url_encoded: 'https://x.test/?t=Bearer%20[REDACTED]',
            list: ['Bearer [REDACTED]', { deep: 'was Bearer [REDACTED]' }],
          },
        },
      },
    });
    expect(steps[1]).toMatchObject({
      status: 'succeeded',
      outcome: { data: { result: 'Bearer [REDACTED]' } },
    });
    const proof = await proveRun(env, TENANT, runId);
    outputs.push({ code: proof.code, stdout: proof.stdout, stderr: proof.stderr });
    expect(verdictOf(proof)).toEqual({
      code: 0,
      verification_status: 'VERIFIED',
      divergence: null,
      seal: 'sealed',
    });
  });

  it('is in no row of any table of any non-system schema', async () => {
    const dump = await dumpAllTables(db.pool);
    expect(dump.tables).toEqual(
      expect.arrayContaining([
        'public.aos_events',
        'public.aos_trace_steps',
        'public.aos_traces',
        'public.runs',
        'public.agents',
      ]),
    );
    expect(dump.text).toContain('Bearer {{secret:API_TOKEN}}'); // the rows are there, with the reference
    expect(dump.text).toContain('Bearer [REDACTED]');
    expect(dump.text.includes(SECRET)).toBe(false);
  });

  it('is in no file of the embedded server data directory, WAL included', async (ctx) => {
    const directory = inject('embeddedDataDirectory');
    if (directory === null)
      return ctx.skip(
        'DATABASE_URL is set: the server data directory is not ours to read; checked the tables only',
      );
    const canary = `canary-${randomBytes(16).toString('hex')}`; // proves the scan sees what the database writes
    await db.pool.query('CREATE TABLE scan_canary (v text)');
    await db.pool.query('INSERT INTO scan_canary VALUES ($1)', [canary]);
    await checkpointServer();
    const withCanary = await filesContaining(directory, canary);
    expect(withCanary.found.length).toBeGreaterThan(0);
    expect(withCanary.found.some((f) => f.includes('pg_wal'))).toBe(true);
    const scan = await filesContaining(directory, SECRET);
    expect(scan.scanned).toBeGreaterThan(100);
    expect(scan.found).toEqual([]);
  });

  it('is not in pg_dump output (when the pg_dump on PATH can dump this server)', async (ctx) => {
    const client = await pgDumpMajor();
    const serverMajor = Math.floor(
      Number(
        (await db.pool.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]?.v,
      ) / 10_000,
    );
    expect(serverMajor).toBeGreaterThanOrEqual(13);
    if (client === null || client < serverMajor) {
      return ctx.skip(
        `pg_dump ${client ?? 'missing'} cannot dump a PostgreSQL ${serverMajor} server: pg_dump sub-check skipped (the table dump and the file scan cover it)`,
      );
    }
    const dumped = await pgDump(db.url);
    expect(dumped).toContain('aos_events');
    expect(dumped.includes(SECRET)).toBe(false);
  });

  it('is not in aos events --json, aos export, aos runs get, nor in any stdout or stderr of the CLI', async () => {
    const events = await runCli('aos', ['events', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    const exported = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', runId], env);
    const got = await runCli('aos', ['runs', 'get', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    for (const result of [events, exported, got]) expect(result.code, result.stderr).toBe(0);
    expect(events.stdout).toContain('Bearer [REDACTED]');
    expect(jsonOf<{ format: string; events: unknown[] }>(exported)).toMatchObject({
      format: 'aos.runproof.bundle.v1',
      events: expect.any(Array),
    });
    expect(exported.stdout).toContain('Bearer [REDACTED]');
    outputs.push(events, exported, got);
    expect(outputs.length).toBeGreaterThanOrEqual(4);
    for (const output of outputs) expect(`${output.stdout}\n${output.stderr}`.includes(SECRET)).toBe(false);
  });

  it.each([
    ['headers.Authorization', { headers: { Authorization: 'Bearer abc123' } }],
    ['headers.X-Api-Key', { headers: { 'X-Api-Key': 'abc123' } }],
    ['body.password', { method: 'POST', body: { user: 'u', password: 'abc123' } }],
  ])(
    'refuses a literal credential at %s at agents create: exit 2 naming the field, nothing written',
    async (field, params) => {
      const directory = await mkdtemp(join(tmpdir(), 'aos-template-'));
      const file = join(directory, 'template.json');
      await writeFile(
        file,
        JSON.stringify({
          steps: [{ skill: 'http_call', params: { method: 'GET', url: `${server.base}/x`, ...params } }],
        }),
      );
      const before = await tableCounts(db.pool);
      const refused = await runCli(
        'aos',
        [
          'agents',
          'create',
          '--tenant-id',
          TENANT,
          '--name',
          'leaky',
          '--plan-template',
          file,
          '--allowed-host',
          server.host,
          '--json',
        ],
        env,
      );
      expect(refused.code).toBe(2);
      expect(jsonOf<{ error: unknown }>(refused).error).toEqual({
        code: 'invalid_input',
        field: 'plan-template',
        message: `--plan-template: steps[0].params.${field}: a literal credential would be stored in the ledger; use {{secret:NAME}} (the value comes from the environment variable AOS_SECRET_NAME at execution)`,
      });
      expect(`${refused.stdout}${refused.stderr}`).not.toContain('abc123');
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );

  it.each([
    ['not set', undefined],
    ['set but empty', ''],
  ])(
    'fails the step SECRET_NOT_SET when AOS_SECRET_MISSING_X is %s, calls nothing, proves VERIFIED',
    async (_label, value) => {
      const agentId = await createAgent(
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

  it('refuses a template where {{goal}} touches a brace: a goal could complete a secret reference around it', async () => {
    const template = join(await mkdtemp(join(tmpdir(), 'aos-goal-brace-')), 'template.json');
    for (const q of ['{{{goal}}}', '{{{{goal}}}}', 'x{{goal}}{{steps.0.outcome}}']) {
      await writeFile(
        template,
        JSON.stringify({
          steps: [
            { skill: 'echo', params: { message: 'a' } },
            { skill: 'http_call', params: { method: 'POST', url: `${server.base}/search`, body: { q } } },
          ],
        }),
      );
      const created = await runCli(
        'aos',
        [
          'agents',
          'create',
          '--tenant-id',
          TENANT,
          '--name',
          'brace',
          '--plan-template',
          template,
          '--allowed-host',
          server.host,
          '--json',
        ],
        env,
      );
      expect(created.code, q).toBe(2);
      expect(jsonOf<{ error: { field: string; message: string } }>(created).error).toMatchObject({
        field: 'plan-template',
        message: expect.stringContaining('steps[1].params.body.q: {{goal}} must not touch'),
      });
    }
    expect(server.hitsTo('/search')).toHaveLength(0);
  });
});
