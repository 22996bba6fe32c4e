import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { tableCounts } from '../support/cli-fixtures.js';
import { TENANT, secretsFixture } from './support/secrets-fixture.js';

/** Templates `aos agents create` refuses before anything is written: a literal credential where a
 * secret reference belongs, and {{goal}} touching a brace (a goal could complete a reference). */
describe('secrets never reach the ledger, the database files or the CLI output', () => {
  const { db, env, server } = secretsFixture();

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
