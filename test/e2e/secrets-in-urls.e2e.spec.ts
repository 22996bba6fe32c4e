import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import { runEvents } from '../support/run-inspection.js';

/**
 * A secret in a URL path goes out percent-encoded the way the URL parser does it (`ä` as %C3%A4,
 * `@` left as it is), which is not encodeURIComponent's form (`@` as %40). A server echoing the
 * path back, in that form, with lower-case escapes, or encoded once more inside a URL, must not
 * get the secret into the record: it is compared after percent-decoding, escapes in any case.
 */
const TENANT = 'tenant-url-secrets';
const SECRET = 'pässw@rd';
/** The secret in any mix of raw and percent-encoded characters (escapes in any case, once or twice
 * encoded), or JSON-escaped: what must not be in any output. */
const ANY_FORM = /p(?:ä|\\u00e4|(?:%(?:25)?c3%(?:25)?a4))ssw(?:@|%(?:25)?40)rd/i;

describe('a {{secret:..}} in a URL path, echoed back encoded differently, is not in the record', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: LocalServer;
  let runId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url, AOS_SECRET_TOK: SECRET });
    server = await startLocalServer((hit, response) =>
      sendJson(response, 200, {
        path: hit.path,
        lower_case: hit.path.toLowerCase(),
        upper_case: hit.path.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase()),
        component: encodeURIComponent(decodeURIComponent(hit.path)),
        decoded: decodeURIComponent(hit.path),
        in_a_link: `https://x.test/next?from=${encodeURIComponent(hit.path)}`,
        text: `you asked for ${hit.path.toLowerCase()}, ok`,
      }),
    );
    const agentId = await registerAgent(
      env,
      TENANT,
      [{ skill: 'http_call', params: { method: 'GET', url: `${server.base}/{{secret:TOK}}` } }],
      ['--allowed-host', server.host],
    );
    const run = await runGoal(env, TENANT, agentId, 'call with the secret in the path');
    expect(run.result.code, run.result.stderr).toBe(0);
    runId = run.run_id;
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it('sends the secret in the path, as the URL parser encodes it', () => {
    expect(server.hits.map((h) => h.path)).toEqual(['/p%C3%A4ssw@rd']);
    expect(encodeURIComponent(SECRET)).toBe('p%C3%A4ssw%40rd'); // not the form the server saw
  });

  it('records every echoed form as [REDACTED], and the params with the reference', async () => {
    const step = (await runEvents(db.pool, runId)).find((e) => e.type === 'StepExecuted')?.data;
    expect(step).toMatchObject({
      params: { url: `${server.base}/{{secret:TOK}}` },
      status: 'succeeded',
      outcome: {
        data: {
          body: {
            path: '/[REDACTED]',
            lower_case: '/[REDACTED]',
            upper_case: '/[REDACTED]',
            component: '%2F[REDACTED]',
            decoded: '/[REDACTED]',
            in_a_link: 'https://x.test/next?from=%2F[REDACTED]',
            text: 'you asked for /[REDACTED], ok',
          },
        },
      },
    });
  });

  it('is in no form in aos events --json nor in aos export', async () => {
    const events = await runCli('aos', ['events', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    const exported = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', runId], env);
    for (const output of [events, exported]) {
      expect(output.code, output.stderr).toBe(0);
      expect(output.stdout).toContain('[REDACTED]');
      expect(output.stdout).not.toMatch(ANY_FORM);
      expect(output.stderr).not.toMatch(ANY_FORM);
    }
  });
});
