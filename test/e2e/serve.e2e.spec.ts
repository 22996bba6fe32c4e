import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { type CliChild } from '../support/cli-process.js';
import { startDatabaseProxy } from '../support/database-proxy.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { waitFor } from '../support/run-inspection.js';
import {
  getJson,
  logLines,
  stalledPost,
  startServe,
  untilReady,
  type Served,
} from '../support/serve-process.js';

/** `aos serve` as a client sees it: real HTTP on 127.0.0.1, signals, exit codes, JSON logs. */
describe('aos serve', () => {
  let db: TestDatabase;
  const running: CliChild[] = [];
  const serve = async (env: NodeJS.ProcessEnv): Promise<Served> => {
    const served = await startServe(env);
    running.push(served);
    return served;
  };
  /** Waits until the server has logged the request `method url` coming in. */
  const requestArrived = (served: Served, method: string, url: string) =>
    waitFor(`${method} ${url} logged`, async () =>
      logLines(served.stderr()).some((l) => {
        const req = l.req as { method?: string; url?: string } | undefined;
        return req?.method === method && req.url === url;
      })
        ? true
        : undefined,
    );

  /** aos serve seals what it ingests: it does not start without a signing key. */
  let keys: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await freshDatabase();
    keys = await withSigningKey({});
  });
  afterAll(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await db.drop();
  });

  it('logs where it listens, answers /healthz, /readyz and 404s in JSON, and on SIGTERM lets the request in flight finish, then exits 0', async () => {
    const served = await serve({ ...keys, DATABASE_URL: db.url });
    expect(served.port).toBeGreaterThan(0);
    await untilReady(served);
    expect(await getJson(served.port, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await getJson(served.port, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    const missing = await getJson(served.port, '/nothing-here');
    expect(missing).toMatchObject({ status: 404, body: { error: 'not_found' } });

    // A request whose body is still coming when SIGTERM arrives (the 404 fallback reads bodies).
    const inFlight = await stalledPost(served.port, '/ingest-later');
    await requestArrived(served, 'POST', '/ingest-later');
    served.child.kill('SIGTERM');
    await waitFor('the stopping log line', async () =>
      logLines(served.stderr()).some((l) => l.event === 'stopping') ? true : undefined,
    );
    inFlight.finish();
    expect(await inFlight.response).toMatch(/^HTTP\/1\.1 404 /);
    const ended = await served.done;
    expect(ended.code, ended.stderr).toBe(0);
    const events = logLines(ended.stderr).map((l) => l.event ?? l.msg);
    expect(events).toEqual(expect.arrayContaining(['ready', 'stopping', 'stopped']));
    expect(events).not.toContain('drain_timeout');
    expect(ended.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'))).toEqual([]);
  });

  it('says not_ready (503) with the reason while the database does not answer; healthz stays 200', async () => {
    const proxy = await startDatabaseProxy(db.url);
    const served = await serve({ ...keys, DATABASE_URL: proxy.url });
    await untilReady(served);
    await proxy.stop();
    const cut = await getJson(served.port, '/readyz');
    expect(cut.status).toBe(503);
    expect(cut.body).toMatchObject({ status: 'not_ready', reason: expect.stringMatching(/^database: /) });
    expect(await getJson(served.port, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    served.child.kill('SIGTERM');
    expect((await served.done).code).toBe(0);
  });

  it('cuts off a request still in flight at the 10 s bound, and still exits 0', async () => {
    const served = await serve({ ...keys, DATABASE_URL: db.url });
    await untilReady(served);
    const stalled = await stalledPost(served.port, '/never-finished');
    await requestArrived(served, 'POST', '/never-finished');
    const sentAt = Date.now();
    served.child.kill('SIGTERM');
    const ended = await served.done;
    expect(ended.code, ended.stderr).toBe(0);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(9_000);
    expect(logLines(ended.stderr).map((l) => l.event)).toContain('drain_timeout');
    expect(await stalled.response).not.toMatch(/^HTTP/);
  });

  it('exits at once on a second signal: 130 for SIGINT', async () => {
    const served = await serve({ ...keys, DATABASE_URL: db.url });
    await untilReady(served);
    await stalledPost(served.port, '/holding-the-shutdown');
    await requestArrived(served, 'POST', '/holding-the-shutdown');
    served.child.kill('SIGINT');
    await waitFor('the stopping log line', async () =>
      logLines(served.stderr()).some((l) => l.event === 'stopping') ? true : undefined,
    );
    served.child.kill('SIGINT');
    const ended = await served.done;
    expect(ended.code).toBe(130);
  });

  it.each(['nope', '127.0.0.1', '127.0.0.1:65536', 'example.com:80', '127.0.0.1:-1', '::1:80', ':80'])(
    '--listen %j is a usage error (exit 2) naming --listen',
    async (value) => {
      const result = await runCli('aos', ['serve', '--listen', value], { ...keys, DATABASE_URL: db.url });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('--listen');
    },
  );

  it.each([
    ['--quiet-period-ms', '-1'],
    ['--max-request-bytes', '10'],
    ['--max-concurrent-requests', '0'],
    ['--request-timeout-ms', '50'],
    ['--request-timeout-ms', 'soon'],
  ])('%s %s is a usage error (exit 2) naming the option, nothing bound', async (option, value) => {
    const result = await runCli('aos', ['serve', '--listen', '127.0.0.1:0', option, value], {
      ...keys,
      DATABASE_URL: db.url,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(option);
    expect(result.stderr).not.toContain('"event":"ready"');
  });

  it('exits 4 when the database cannot be opened at start, saying so', async () => {
    const closed = new URL(db.url);
    closed.port = '1';
    const result = await runCli('aos', ['serve', '--listen', '127.0.0.1:0'], {
      ...keys,
      DATABASE_URL: closed.toString(),
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('error: database unavailable');
  });

  it('exits 4 without a signing key, saying so: what it ingests is sealed as it completes', async () => {
    const result = await runCli('aos', ['serve', '--listen', '127.0.0.1:0'], {
      DATABASE_URL: db.url,
      AOS_KEYS_DIR: '/nonexistent/aos-keys',
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/^error: no signing key at \/nonexistent\/aos-keys/m);
  });

  it('refuses a port already in use: exit 4, naming --listen and the address', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runCli('aos', ['serve', '--listen', `127.0.0.1:${port}`], {
        ...keys,
        DATABASE_URL: db.url,
      });
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain(`--listen 127.0.0.1:${port}: cannot listen: address already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
