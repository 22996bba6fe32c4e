import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seriousAxeViolations, watchPage, type PageWatch } from '../support/browser.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, runGoal, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { newRunId, runIdsOf, spawnCli } from '../support/cli-process.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { exportAgentTrace } from '../support/otel-agent-trace.js';
import { waitFor } from '../support/run-inspection.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';

const XSS_GOAL = '<img src=x onerror=alert(1)>';
const SHOTS = 'test-results';

/** The web console in Debian's chromium, against `aos serve` built and a fresh database: runs made
 * with the CLI, a reader signed in with a read token, the proof computed in the page. */
describe('the web console in a real browser', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let served: Served;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  const runs: Record<'plain' | 'xss' | 'other', string> = { plain: '', xss: '', other: '' };
  const tokens: Record<'a' | 'b', string> = { a: '', b: '' };
  const base = () => `http://127.0.0.1:${served.port}`;

  const readToken = async (tenant: string) => {
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', tenant, '--scope', 'read', '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    return jsonOf<{ token: string }>(created).token;
  };
  const publicKeyText = async () => {
    const directory = join(String(env.AOS_KEYS_DIR), 'public-keys');
    return readFile(join(directory, (await readdir(directory))[0]!), 'utf8');
  };
  const api = (path: string, token: string) =>
    fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const openRun = async (runId: string) => {
    await page.goto(`${base()}/runs/${runId}`);
    await page.locator('.verdict:not([data-verdict="pending"])').waitFor();
  };

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    const agentA = await createAgent(env, 'tenant-a', echoSteps);
    const agentB = await createAgent(env, 'tenant-b', echoSteps);
    runs.plain = (await runGoal(env, 'tenant-a', agentA, 'Summarize the quarterly report')).run_id;
    runs.xss = (await runGoal(env, 'tenant-a', agentA, XSS_GOAL)).run_id;
    runs.other = (await runGoal(env, 'tenant-b', agentB, 'Tenant b run')).run_id;
    tokens.a = await readToken('tenant-a');
    tokens.b = await readToken('tenant-b');
    // Observed runs are sealed after 300 ms of quiet; the tool's arguments are redacted on receipt.
    served = await startServe(env, [
      '--quiet-period-ms',
      '300',
      '--redact-key',
      'gen_ai.tool.call.arguments',
    ]);
    await untilReady(served);
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    watch = watchPage(page, `127.0.0.1:${served.port}`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    served?.child.kill('SIGKILL');
    await db?.drop();
  });

  it('sends a reader without a session to /login, and signs in with a read token', async () => {
    await page.goto(`${base()}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', tokens.a);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base()}/`);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'aos_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it("lists the tenant's runs, newest first, with steps and seal at a glance", async () => {
    await page.locator('table.runs tbody tr').nth(1).waitFor();
    const rows = page.locator('table.runs tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain(XSS_GOAL);
    expect(await rows.nth(1).innerText()).toContain('Summarize the quarterly report');
    expect(await rows.nth(1).innerText()).toMatch(/succeeded\s+2\s+\$0\.00/);
    expect(await rows.nth(1).innerText()).toContain('sealed #0');
    // The origin column names the system that asked, and whether the run was planned or observed.
    expect(await rows.nth(1).innerText()).toMatch(/cus-cli\s+planned/);
    await page.screenshot({ path: `${SHOTS}/console-list.png`, fullPage: true });
  });

  it('verifies the run in the page against the pinned key: VERIFIED, its steps on the waterfall', async () => {
    await openRun(runs.plain);
    expect(await page.locator('.verdict').innerText()).toBe('FAILED'); // no key pinned yet
    await page.fill('#key-text', await publicKeyText());
    await page.click('text=Pin key');
    await page.locator('.verdict[data-verdict="VERIFIED"]').waitFor();
    expect(await page.locator('li.step').count()).toBe(2);
    expect(await page.locator('.run-header').innerText()).toContain('template');
    await page.locator('li.step').nth(1).locator('button').click();
    expect(await page.locator('.drawer').innerText()).toContain('Outcome');
    await page.screenshot({ path: `${SHOTS}/console-run.png`, fullPage: true });
  });

  it('renders a goal of markup as text: no element made, no dialog', async () => {
    await openRun(runs.xss);
    expect(await page.locator('h1.goal').innerText()).toBe(XSS_GOAL);
    expect(await page.locator('img').count()).toBe(0);
    expect(watch.dialogs).toEqual([]);
  });

  it('follows a running run live: its steps appear as they are executed, and it ends sealed and VERIFIED', async () => {
    const waits = [0, 1, 2].map(() => ({ skill: 'wait', params: { ms: 1200 } }));
    const agent = await createAgent(env, 'tenant-a', waits);
    const known = await runIdsOf(db.pool, 'tenant-a');
    const running = spawnCli(
      'aos',
      ['run', '--tenant-id', 'tenant-a', '--agent-id', agent, '--goal', 'Wait three times', '--json'],
      env,
    );
    const runId = await newRunId(db.pool, 'tenant-a', known);
    await page.goto(`${base()}/runs/${runId}`);
    await page.locator('.verdict[data-verdict="live"]').waitFor();
    await page.locator('li.step').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('li.step').count()).toBeLessThan(3);
    expect(await page.locator('.verdict').getAttribute('data-verdict')).toBe('live');
    await page.locator('.verdict[data-verdict="VERIFIED"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('li.step').count()).toBe(3);
    expect((await running.done).code).toBe(0);
  });

  it('shows FAILED on the step whose event was changed in the store', async () => {
    const changed = await tamper(
      db.pool,
      `UPDATE aos_events SET data = replace(data, '"retry_count":0', '"retry_count":1')
        WHERE stream_id = $1 AND type = 'StepExecuted' AND (data::jsonb)->>'step_index' = '1'`,
      [`aos-run-${runs.plain}`],
    );
    expect(changed).toBe(1);
    await openRun(runs.plain);
    expect(await page.locator('.verdict').innerText()).toBe('FAILED');
    const diverged = page.locator('li.step.diverged');
    expect(await diverged.count()).toBe(1);
    expect(await diverged.getAttribute('data-step-index')).toBe('1');
    expect(await diverged.innerText()).toContain('FAILED here');
    await page.screenshot({ path: `${SHOTS}/console-run-failed.png`, fullPage: true });
  });

  it('gives a token of another tenant nothing: 404 like a missing run, and not in its list', async () => {
    const foreign = await api(`/api/runs/${runs.plain}`, tokens.b);
    const missing = await api('/api/runs/00000000-0000-4000-8000-000000000000', tokens.b);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    for (const path of ['bundle', 'events'])
      expect((await api(`/api/runs/${runs.plain}/${path}`, tokens.b)).status).toBe(404);
    const list = (await (await api('/api/runs', tokens.b)).json()) as { runs: { run_id: string }[] };
    expect(list.runs.map((r) => r.run_id)).toEqual([runs.other]);
    expect((await fetch(`${base()}/api/runs`)).status).toBe(401);
  });

  it('pages the list by keyset, newest first, and filters it by goal, status and agent', async () => {
    type Page = { runs: { run_id: string; goal: string }[]; next_cursor: string | null };
    const pageOf = async (query: string) =>
      (await (await api(`/api/runs?${query}`, tokens.a)).json()) as Page;
    const all = await pageOf('limit=200');
    const seen: string[] = [];
    for (let cursor: string | null = null, n = 0; n < 10; n++) {
      const page: Page = await pageOf(`limit=1${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...page.runs.map((r) => r.run_id));
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(all.runs.map((r) => r.run_id));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect((await pageOf('q=QUARTERLY')).runs.map((r) => r.run_id)).toEqual([runs.plain]);
    expect((await pageOf('status=running')).runs).toEqual([]);
    expect((await pageOf('agent=nobody')).runs).toEqual([]);
    expect((await api('/api/runs?from=yesterday', tokens.a)).status).toBe(400);
    expect((await api('/api/runs?cursor=garbage', tokens.a)).status).toBe(400);
  });

  it("pages a run's events from a seq (the run page's first steps, a step's record)", async () => {
    const page = (await (await api(`/api/runs/${runs.xss}/events?from=1&limit=2`, tokens.a)).json()) as {
      events: { seq: number }[];
      next_seq: number;
    };
    expect(page.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(page.next_seq).toBe(3);
    expect((await api(`/api/runs/${runs.xss}/events?from=0&limit=0`, tokens.a)).status).toBe(400);
    expect((await api(`/api/runs/${runs.xss}/events?from=0`, tokens.b)).status).toBe(404);
  });

  it('serves the pages with a CSP without inline script and the security headers', async () => {
    const response = await fetch(`${base()}/login`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("worker-src 'self'"); // the run page's verifier, never from blob:
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });

  it("verifies the tenant ledger's signed tree head in the page against the pinned key", async () => {
    await page.goto(`${base()}/ledger`);
    await page.locator('.verdict[data-verdict="VERIFIED"]').waitFor();
    expect(await page.locator('.facts').innerText()).toMatch(/tree size\)\s+3/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/console-ledger.png`, fullPage: true });
  });

  it('shows an observed run with its planner, and a redacted value as redacted in the step drawer', async () => {
    const ingest = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', 'tenant-a', '--scope', 'ingest', '--json'],
      env,
    );
    await exportAgentTrace(`${base()}/v1/traces`, jsonOf<{ token: string }>(ingest).token);
    const observed = await waitFor(
      'the sealed observed run',
      async () => {
        const list = (await (await api('/api/runs?q=Lisbon', tokens.a)).json()) as {
          runs: { run_id: string; status: string; observed: boolean }[];
        };
        const run = list.runs[0];
        return run && run.observed && run.status !== 'running' && run.status !== 'created'
          ? run.run_id
          : undefined;
      },
      30_000,
    );
    await openRun(observed);
    expect(await page.locator('.verdict').innerText()).toBe('VERIFIED');
    expect(await page.locator('.run-header').innerText()).toContain('observed');
    const labels = page.locator('li.step button');
    let redacted = 0;
    for (let i = 0; i < (await labels.count()); i++) {
      await labels.nth(i).click();
      redacted += await page.locator('.drawer .redacted').count();
    }
    expect(redacted).toBeGreaterThan(0);
    expect(await page.locator('.drawer').innerText()).not.toContain('Lisbon"}');
  });

  // The worker's modules wait for its WebAssembly SHA-256 to compile; a request the page sent
  // meanwhile was dropped and the verdict never came (9 loads in 30 before worker-inbox.ts).
  it('gives a verdict on every load of a run page, however early the page asks its worker', async () => {
    for (let load = 0; load < 10; load++) {
      await page.goto(`${base()}/runs/${runs.xss}`);
      await page.locator('.verdict:not([data-verdict="pending"])').waitFor({ timeout: 10_000 });
      expect(await page.locator('.verdict').innerText()).toBe('VERIFIED');
    }
  });

  it('compares two runs of one agent step by step, from the run page', async () => {
    await openRun(runs.xss);
    await page.fill('input[name="b"]', runs.plain);
    await page.click('.compare-form button[type="submit"]');
    await page.locator('table.compare tbody tr').nth(1).waitFor();
    const rows = page.locator('table.compare tbody tr');
    expect(await rows.count()).toBe(2);
    // The goal is in the first step's params and outcome, and flows into the second step's outcome.
    expect(await rows.nth(0).innerText()).toMatch(/params, outcome/);
    expect(await rows.nth(1).innerText()).toMatch(/outcome/);
    expect(await page.locator('main').innerText()).toContain('Plans: ');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('has no serious axe-core violation, no console error, no request to another host', async () => {
    await openRun(runs.plain);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${base()}/`);
    await page.locator('table.runs tbody tr').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
  });
});
