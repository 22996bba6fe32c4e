import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-headers';

describe('an http_call header that would not be sent as recorded is refused when the agent is registered', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
  });
  afterAll(async () => db.drop());

  const createWithHeaders = async (headers: Record<string, string>) => {
    const file = join(await mkdtemp(join(tmpdir(), 'aos-template-')), 'template.json');
    const step = {
      skill: 'http_call',
      params: { method: 'GET', url: 'https://api.example.com/items', headers },
    };
    await writeFile(file, JSON.stringify({ steps: [step] }));
    return runCli(
      'aos',
      ['agents', 'create', '--tenant-id', TENANT, '--name', 'n', '--plan-template', file, '--json'],
      env,
    );
  };

  it.each(['Host', 'host', 'Content-Length'])(
    'a %s header: exit 2, the header named, nothing written',
    async (name) => {
      const before = await tableCounts(db.pool);
      const result = await createWithHeaders({ Accept: 'application/json', [name]: 'internal.example' });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('--plan-template');
      expect(result.stderr).toContain(`headers.${name}`);
      expect(jsonOf<{ error: { message: string } }>(result).error.message).toContain(
        'not be sent as recorded',
      );
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );

  it('still registers an agent whose headers are all sent as written (Cookie of secret references included)', async () => {
    const result = await createWithHeaders({
      Accept: 'application/json',
      Cookie: 'session={{secret:SESSION}}',
      Origin: 'https://app.example.com',
    });
    expect(result.code, result.stderr).toBe(0);
  });
});
