import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { withSetRole } from '../../adapters/postgres/roles/database-connections.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/** The whole flow a tenant and an operator go through: run, proof, export, verify-all. */
const wholeFlow = async (env: NodeJS.ProcessEnv, tenant: string): Promise<string> => {
  const agentId = await createAgent(env, tenant, echoSteps); // the command: its roles are under test
  const run = await runGoal(env, tenant, agentId);
  expect(run.result.code, run.result.stderr).toBe(0);
  expect(run.integrity.verification_status).toBe('VERIFIED');
  const proof = await runCli('aos', ['proof', '--tenant-id', tenant, '--run-id', run.run_id, '--json'], env);
  expect(proof.code, proof.stderr).toBe(0);
  expect(jsonOf<{ integrity: { verification_status: string } }>(proof).integrity.verification_status).toBe(
    'VERIFIED',
  );
  const exported = await runCli('aos', ['export', '--tenant-id', tenant, '--run-id', run.run_id], env);
  expect(exported.code, exported.stderr).toBe(0);
  expect(exported.stdout).toContain(run.run_id);
  const all = await runCli('aos-int', ['verify-all', '--json'], env);
  expect(all.code, all.stderr).toBe(0);
  expect(jsonOf<{ runs: number; failed_runs: unknown[] }>(all)).toMatchObject({ runs: 1, failed_runs: [] });
  return run.run_id;
};

const WARNING = 'aos: warning: DATABASE_URL logs in as a superuser';
const occurrences = (text: string, part: string): number => text.split(part).length - 1;

describe('DATABASE_URL with one superuser URL', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('warns once when it sets the database up, then runs the whole flow with the split roles', async () => {
    const db = await freshDatabase({ migrated: false });
    databases.push(db);
    const env = await withSigningKey({ DATABASE_URL: db.url });
    const migrated = await runCli('aos-int', ['migrate', '--json'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(occurrences(migrated.stderr, WARNING)).toBe(1);
    expect(migrated.stderr).toContain('docs/DATABASE-ROLES.md');
    const listed = await runCli('aos', ['agents', 'list', '--tenant-id', 'tenant-a', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).not.toContain(WARNING);
    await wholeFlow(env, 'tenant-a');
  });

  it('refuses, naming the role, a login that may not take the roles', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const login = `aos_test_login_${Date.now().toString(36)}`;
    await db.pool.query(`CREATE ROLE ${login} LOGIN PASSWORD 'pw'`);
    await db.pool.query(`GRANT SELECT ON aos_migrations TO ${login}`);
    const url = new URL(db.url);
    url.username = login;
    url.password = 'pw';
    try {
      const env = { DATABASE_URL: url.toString() };
      const listed = await runCli('aos', ['agents', 'list', '--tenant-id', 'tenant-a'], env);
      expect(listed.code).not.toBe(0);
      expect(listed.stderr).toContain('connecting as aos_reader was refused');
      expect(listed.stdout).toBe('');
    } finally {
      await db.pool.query(`DROP OWNED BY ${login}`);
      await db.pool.query(`DROP ROLE ${login}`);
    }
  });
});

describe('a statement refused', () => {
  it('is an error naming the table, and nothing is written', async () => {
    const db = await freshDatabase();
    try {
      // The writer's URL names a login that is really the reader: every append is refused.
      const env = await withSigningKey({
        DATABASE_URL: db.url,
        AOS_DATABASE_URL_WRITER: withSetRole(db.url, 'reader', undefined),
      });
      const file = join(await mkdtemp(join(tmpdir(), 'aos-template-')), 'template.json');
      await writeFile(file, JSON.stringify({ steps: echoSteps }));
      const created = await runCli(
        'aos',
        ['agents', 'create', '--tenant-id', 'tenant-a', '--name', 'refused', '--plan-template', file],
        env,
      );
      expect(created.code).not.toBe(0);
      expect(created.stderr).toContain('permission denied for table aos_events');
      expect((await db.pool.query('SELECT count(*)::int AS n FROM aos_events')).rows).toEqual([{ n: 0 }]);
    } finally {
      await db.drop();
    }
  });
});

describe('the embedded database', () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const home of homes) {
      await runCli('aos-int', ['db', 'stop'], { AOS_HOME: home });
      await rm(home, { recursive: true, force: true });
    }
  });

  it('gives each role its own login, with the passwords in AOS_HOME (0600), and runs the whole flow', async () => {
    const home = await mkdtemp(join(tmpdir(), 'aos-home-'));
    await chmod(home, 0o755); // the postgres account must pass through it
    homes.push(home);
    const env = await withSigningKey({ AOS_HOME: home });
    expect((await runCli('aos-int', ['db', 'start'], env)).code).toBe(0);
    const runId = await wholeFlow(env, 'tenant-a');

    const file = join(home, 'pg', 'roles.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const passwords = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(passwords).sort()).toEqual(['auditor', 'projector', 'reader', 'writer']);

    // The writer's login, as the commands have it: it may read its tenant's events, and nothing else.
    const server = JSON.parse(await readFile(join(home, 'pg', 'server.json'), 'utf8')) as { port: number };
    const writer = new pg.Client({
      connectionString: `postgres://aos_writer:${passwords.writer}@127.0.0.1:${server.port}/aos`,
    });
    await writer.connect();
    try {
      expect((await writer.query('SELECT count(*)::int AS n FROM aos_events')).rows).toEqual([{ n: 0 }]);
      await expect(writer.query('DELETE FROM aos_events')).rejects.toThrow(
        /permission denied for table aos_events/,
      );
      await expect(writer.query('SELECT 1 FROM aos_traces')).rejects.toThrow(/permission denied/);
    } finally {
      await writer.end();
    }

    // A writer whose login is refused: a clear error naming the role, and no run written.
    await writeFile(file, JSON.stringify({ ...passwords, writer: 'not-the-password' }), { mode: 0o600 });
    const agents = jsonOf<{ agents: { agent_id: string }[] }>(
      await runCli('aos', ['agents', 'list', '--tenant-id', 'tenant-a', '--json'], env),
    );
    const agentId = agents.agents[0]?.agent_id ?? '';
    const refused = await runCli(
      'aos',
      ['run', '--tenant-id', 'tenant-a', '--agent-id', agentId, '--goal', 'refused'],
      env,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('connecting as aos_writer was refused');
    const runs = jsonOf<{ runs: { run_id: string }[] }>(
      await runCli('aos', ['runs', 'list', '--tenant-id', 'tenant-a', '--json'], env),
    );
    expect(runs.runs.map((r) => r.run_id)).toEqual([runId]);
  });
});
