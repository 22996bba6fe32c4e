import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresIngestTokens } from '../../adapters/postgres/postgres-ingest-tokens.js';
import { authenticate } from '../../application/tokens/authenticate-token.js';
import { jsonOf, runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { dumpAllTables } from '../support/secret-scan.js';

type CreatedJson = {
  token_id: string;
  tenant_id: string;
  scope: string;
  name: string | null;
  token: string;
  created_at: string;
};
type TokenJson = Omit<CreatedJson, 'token'> & { revoked_at: string | null };
type RevokedJson = TokenJson & { already_revoked: boolean };
type ErrorJson = { error: { code: string; field?: string } };

const secretOf = (token: string) => token.slice(-43);
const tokenCount = async (db: TestDatabase) =>
  Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM aos_ingest_tokens')).rows[0]?.n);

describe('aos-int tokens create | list | revoke', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const create = async (args: string[]) => {
    const result = await runCli('aos-int', ['tokens', 'create', ...args, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<CreatedJson>(result);
  };
  beforeAll(async () => {
    db = await freshDatabase();
    env = { DATABASE_URL: db.url };
  });
  afterAll(async () => db.drop());

  it('prints the token once; list and the database never hold it, only its SHA-256', async () => {
    const text = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-a', '--name', 'eu-1'],
      env,
    );
    expect(text.code, text.stderr).toBe(0);
    const shown = /^Token: (aos_it_\S+)$/m.exec(text.stdout)?.[1] ?? '';
    expect(shown).toMatch(/^aos_it_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(text.stdout).toMatch(/will not be shown again/);
    expect(text.stdout.split(secretOf(shown))).toHaveLength(2); // the token is printed once
    const created = await create(['--tenant-id', 'tenant-a', '--scope', 'read']);
    expect(Object.keys(created).sort()).toEqual(
      ['created_at', 'name', 'scope', 'tenant_id', 'token', 'token_id'].sort(),
    );
    expect(created).toMatchObject({ tenant_id: 'tenant-a', scope: 'read', name: null });
    expect(created.token).toContain(created.token_id.replace(/-/g, ''));

    for (const token of [shown, created.token]) {
      const secret = Buffer.from(secretOf(token), 'base64url');
      for (const args of [['--json'], [], ['--tenant-id', 'tenant-a']]) {
        const listed = await runCli('aos-int', ['tokens', 'list', ...args], env);
        expect(listed.code, listed.stderr).toBe(0);
        expect(listed.stdout).not.toContain(secretOf(token));
        expect(listed.stdout).not.toContain(secret.toString('hex'));
        expect(listed.stdout).not.toContain(createHash('sha256').update(secret).digest('hex'));
      }
      const { text: rows } = await dumpAllTables(db.pool);
      expect(rows).not.toContain(secretOf(token));
      expect(rows).not.toContain(secret.toString('hex'));
      expect(rows).toContain(createHash('sha256').update(secret).digest('hex'));
    }
    const listed = jsonOf<{ tokens: TokenJson[] }>(
      await runCli('aos-int', ['tokens', 'list', '--tenant-id', 'tenant-a', '--json'], env),
    );
    expect(listed.tokens.map((t) => [t.name, t.scope, t.revoked_at])).toEqual([
      ['eu-1', 'ingest', null],
      [null, 'read', null],
    ]);
    expect(Object.keys(listed.tokens[0] ?? {}).sort()).toEqual(
      ['created_at', 'name', 'revoked_at', 'scope', 'tenant_id', 'token_id'].sort(),
    );
  });

  it('authenticates a token as its own tenant and scope only; revoked, it no longer does', async () => {
    const auth = authenticate(postgresIngestTokens(db.pool));
    const a = await create(['--tenant-id', 'tenant-auth-a']);
    const b = await create(['--tenant-id', 'tenant-auth-b']);
    expect(await auth(`Bearer ${a.token}`, 'ingest')()).toEqual(
      E.right({ tenant_id: 'tenant-auth-a', token_id: a.token_id, scope: 'ingest' }),
    );
    expect(await auth(`Bearer ${b.token}`, 'ingest')()).toEqual(
      E.right({ tenant_id: 'tenant-auth-b', token_id: b.token_id, scope: 'ingest' }),
    );
    // A's secret under B's id (and B's under A's) is no token.
    const swapped = `${b.token.slice(0, -43)}${secretOf(a.token)}`;
    expect(await auth(`Bearer ${swapped}`, 'ingest')()).toEqual(E.left({ kind: 'unknown' }));
    expect(await auth(`Bearer ${a.token}`, 'read')()).toMatchObject(E.left({ kind: 'wrong_scope' }));

    const revoked = await runCli('aos-int', ['tokens', 'revoke', '--token-id', a.token_id, '--json'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(jsonOf<RevokedJson>(revoked)).toMatchObject({ token_id: a.token_id, already_revoked: false });
    expect(await auth(`Bearer ${a.token}`, 'ingest')()).toEqual(E.left({ kind: 'revoked' }));
    expect(E.isRight(await auth(`Bearer ${b.token}`, 'ingest')())).toBe(true);

    const again = await runCli('aos-int', ['tokens', 'revoke', '--token-id', a.token_id], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already revoked/);
    const listed = jsonOf<{ tokens: TokenJson[] }>(
      await runCli('aos-int', ['tokens', 'list', '--tenant-id', 'tenant-auth-a', '--json'], env),
    );
    expect(listed.tokens[0]?.revoked_at).toBe(jsonOf<RevokedJson>(revoked).revoked_at);
  });

  it('revoking a token it does not hold exits 3', async () => {
    const result = await runCli(
      'aos-int',
      ['tokens', 'revoke', '--token-id', '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a', '--json'],
      env,
    );
    expect(result.code).toBe(3);
    expect(jsonOf<ErrorJson>(result).error.code).toBe('not_found');
  });

  it.each([
    ['create', ['--name', 'x'], 'tenant-id'],
    ['create', ['--tenant-id', 'acme corp'], 'tenant-id'],
    ['create', ['--tenant-id', 't', '--name', ''], 'name'],
    ['create', ['--tenant-id', 't', '--name', 'a\nb'], 'name'],
    ['create', ['--tenant-id', 't', '--name', 'x'.repeat(201)], 'name'],
    ['create', ['--tenant-id', 't', '--scope', 'admin'], 'scope'],
    ['create', ['--tenant-id', 't', '--scope', ''], 'scope'],
    ['list', ['--tenant-id', ''], 'tenant-id'],
    ['revoke', [], 'token-id'],
    ['revoke', ['--token-id', 'not-a-uuid'], 'token-id'],
    ['revoke', ['--token-id', '0F8E2B1C-5D4A-4C3B-9A21-7E6F5D4C3B2A'], 'token-id'],
  ])('tokens %s %# exits 2 naming the option and writes nothing', async (action, args, field) => {
    const before = await tokenCount(db);
    const result = await runCli('aos-int', ['tokens', action, ...args, '--json'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--${field}`);
    expect(jsonOf<ErrorJson>(result).error.field).toBe(field);
    expect(await tokenCount(db)).toBe(before);
  });
});
