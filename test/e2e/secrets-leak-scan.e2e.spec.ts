import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { runGoal } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { proveRun, runEvents, verdictOf } from '../support/run-inspection.js';
import {
  checkpointServer,
  dumpAllTables,
  filesContaining,
  pgDump,
  pgDumpMajor,
} from '../support/secret-scan.js';
import { SECRET, TENANT, secretsFixture } from './support/secrets-fixture.js';

/** A run that sent the secret to a server which echoed it back: the value is in no table, no file
 * of the server's data directory, no pg_dump output and no CLI output; only its reference and
 * [REDACTED] are stored, and the run proves VERIFIED. */
describe('secrets never reach the ledger, the database files or the CLI output', () => {
  const { db, env, server } = secretsFixture();
  let runId: string;
  const outputs: CliResult[] = [];

  beforeAll(async () => {
    const agentId = await registerAgent(
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
});
