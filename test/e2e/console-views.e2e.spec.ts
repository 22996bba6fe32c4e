import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seriousAxeViolations, watchPage, type PageWatch } from '../support/browser.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { planAnswer, startFakeModelServer, type FakeModelServer } from '../support/fake-model-server.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../support/local-http-server.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';
import { createLlmAgent } from './support/llm-planner-fixture.js';

const SHOTS = 'test-results';
const TENANT = 'tenant-views';
const MARKER = 'planned-by-the-model-7c2d';

type Attempt = { duration_ms: number; backoff_ms: number };
type BundleEvent = { type: string; recorded_at: string; data: Record<string, unknown> };
type Box = { x: number; width: number };

/** The run page's waterfall of attempts and the ledger page's consistency between two sizes, in
 * Debian's chromium against `aos serve` built and a fresh database. */
describe('the web console: attempts on the waterfall, ledger consistency', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let upstream: LocalServer;
  let model: FakeModelServer;
  let served: Served;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  let retried = '';
  let planned = '';
  const tokens = { a: '', b: '' };
  const base = () => `http://127.0.0.1:${served.port}`;
  const api = (path: string, token = tokens.a) =>
    fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const readToken = async (tenant: string) => {
    const args = ['tokens', 'create', '--tenant-id', tenant, '--scope', 'read', '--json'];
    return jsonOf<{ token: string }>(await runCli('aos-int', args, env)).token;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    // The planner's model answers with a one-step plan; 50 prompt tokens at 100 ¢/1k cost 5 cents.
    model = await startFakeModelServer(() => ({
      content: planAnswer({ skill: 'echo', params: { message: MARKER } }),
    }));
    env = await withSigningKey({
      DATABASE_URL: db.url,
      AOS_LLM_BASE_URL: model.baseUrl,
      AOS_LLM_MODEL: 'fake-planner',
      AOS_LLM_PRICE_PER_1K_PROMPT_CENTS: '100',
    });
    // The first request answers 503 after 150 ms, the second 200 after 150 ms.
    upstream = await startLocalServer((_hit, response, n) => {
      setTimeout(() => sendJson(response, n === 1 ? 503 : 200, { hit: n }), 150);
    });
    const steps = [
      { skill: 'http_call', params: { method: 'GET', url: `${upstream.base}/flaky` }, max_retries: 2 },
      { skill: 'wait', params: { ms: 2000 }, timeout_ms: 400, max_retries: 1 },
    ];
    const agent = await createAgent(env, TENANT, steps, ['--allowed-host', upstream.host]);
    retried = (await runGoal(env, TENANT, agent, 'Retry then time out')).run_id;
    const echo = await createAgent(env, TENANT, echoSteps);
    for (const goal of ['second seal', 'third seal']) await runGoal(env, TENANT, echo, goal);
    planned = (await runGoal(env, TENANT, await createLlmAgent(env, TENANT), 'Let the model plan')).run_id;
    await runGoal(env, 'tenant-other', await createAgent(env, 'tenant-other', echoSteps), 'other');
    tokens.a = await readToken(TENANT);
    tokens.b = await readToken('tenant-other');
    served = await startServe(env);
    await untilReady(served);
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    watch = watchPage(page, `127.0.0.1:${served.port}`);
    await page.goto(`${base()}/login`);
    await page.fill('#token', tokens.a);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base()}/`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    served?.child.kill('SIGKILL');
    await upstream?.close();
    await model?.close();
    await db?.drop();
  });

  /** The boxes of a step's attempt bars and of its track, in pixels. */
  const barsOf = async (stepIndex: number) => {
    const row = page.locator(`li.step[data-step-index="${stepIndex}"]`);
    const bars = row.locator('.bar.attempt');
    const boxes: (Box & { status: string | null })[] = [];
    for (let i = 0; i < (await bars.count()); i++) {
      const box = (await bars.nth(i).boundingBox())!;
      boxes.push({ x: box.x, width: box.width, status: await bars.nth(i).getAttribute('data-status') });
    }
    return { boxes, track: (await row.locator('.track').boundingBox())! };
  };

  it('draws each attempt of a retried step as its own bar: failed then succeeded, timed out twice, to scale', async () => {
    const directory = join(String(env.AOS_KEYS_DIR), 'public-keys');
    await page.goto(`${base()}/runs/${retried}`);
    await page.fill('#key-text', await readFile(join(directory, (await readdir(directory))[0]!), 'utf8'));
    await page.click('text=Pin key');
    await page.locator('.verdict[data-verdict="VERIFIED"]').waitFor();
    const retry = await barsOf(0);
    const timeout = await barsOf(1);
    expect(retry.boxes.map((b) => b.status)).toEqual(['failed', 'succeeded']);
    expect(timeout.boxes.map((b) => b.status)).toEqual(['timed_out', 'timed_out']);
    expect(
      await page.locator('li.step[data-step-index="1"] .bar').first().getAttribute('aria-label'),
    ).toMatch(/^attempt 1: timed out \(STEP_TIMEOUT\), \d+ ms$/);
    // In time order, each after the one before and its backoff.
    const all = [...retry.boxes, ...timeout.boxes];
    for (let i = 1; i < all.length; i++)
      expect(all[i]!.x).toBeGreaterThanOrEqual(all[i - 1]!.x + all[i - 1]!.width - 1);
    // To scale: an attempt's width is its duration over the run's span of the track's width.
    const bundle = (await (await api(`/api/runs/${retried}/bundle`)).json()) as { events: BundleEvent[] };
    const origin = Date.parse(bundle.events.find((e) => e.type === 'RunStarted')!.recorded_at);
    const executed = bundle.events.filter((e) => e.type === 'StepExecuted');
    const span = Math.max(...executed.map((e) => Date.parse(e.recorded_at) - origin));
    const timedOut = (executed[1]!.data.attempts as Attempt[])[0]!;
    expect(timedOut.duration_ms).toBeGreaterThanOrEqual(400);
    const expected = (timeout.track.width * timedOut.duration_ms) / span;
    expect(Math.abs(timeout.boxes[0]!.width - expected)).toBeLessThan(3);
    const backoff = (executed[0]!.data.attempts as Attempt[])[0]!.backoff_ms;
    const gap = retry.boxes[1]!.x - (retry.boxes[0]!.x + retry.boxes[0]!.width);
    expect(Math.abs(gap - (retry.track.width * backoff) / span)).toBeLessThan(3);
    expect(await page.locator('.run-error').innerText()).toBe(
      'STEP_FAILED (step #1): step 1 (wait) failed: STEP_TIMEOUT',
    );
    expect(await page.locator('li.step[data-step-index="0"] .step-facts').innerText()).toMatch(
      /^succeeded · .* · 1 retry$/,
    );
    expect(await page.locator('li.step[data-step-index="1"] .step-facts').innerText()).toMatch(
      /^timed out · .* · 1 retry$/,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/console-run-attempts.png`, fullPage: true });
  });

  it("shows an LLM plan's exchange with its model, and its cost against the budget", async () => {
    await page.goto(`${base()}/runs/${planned}`);
    await page.locator('.verdict[data-verdict="VERIFIED"]').waitFor();
    const header = await page.locator('.run-header').innerText();
    expect(header).toMatch(/Planner\s+llm/);
    expect(header).toMatch(/Cost \/ budget\s+\$0\.05 of \$10\.00 \(planning \$0\.05\)/);
    const exchange = page.locator('.exchange[data-attempt="1"]');
    expect(await exchange.locator('h4').innerText()).toMatch(
      /^Attempt 1: accepted · model fake-planner · .* · \$0\.05 · 60 tokens$/,
    );
    expect(await exchange.locator('.answer-text').innerText()).toContain(MARKER);
    await exchange.locator('summary').click();
    expect(await exchange.locator('.message[data-role="system"]').count()).toBe(1);
    expect(await exchange.locator('.message[data-role="user"] pre').innerText()).toContain(
      'Let the model plan',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/console-run-llm.png`, fullPage: true });
  });

  const checkConsistency = async (first: string, second: string) => {
    await page.fill('input[name="first"]', first);
    await page.fill('input[name="second"]', second);
    await page.click('text=Check consistency');
  };

  it('verifies the consistency between two sizes the reader picks, and shows both signed heads', async () => {
    await page.goto(`${base()}/ledger`);
    await page.locator('.verdict[data-verdict="VERIFIED"]').waitFor();
    await checkConsistency('1', '3');
    await page.locator('.consistency-verdict[data-verdict="VERIFIED"]').waitFor();
    const keyId = (await readdir(join(String(env.AOS_KEYS_DIR), 'public-keys')))[0]!.replace(/\.json$/, '');
    const heads = page.locator('.head-card');
    for (const [i, size] of [
      [0, '1'],
      [1, '3'],
    ] as const) {
      expect(await heads.nth(i).locator('[data-field="size"]').innerText()).toBe(size);
      expect(await heads.nth(i).locator('[data-field="root"]').innerText()).toMatch(/^[0-9a-f]{64}$/);
      expect(await heads.nth(i).locator('[data-field="key_id"]').innerText()).toBe(keyId);
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/console-ledger-consistency.png`, fullPage: true });
  });

  it("shows FAILED when the server's proof is altered on its way, and the server's reason for bad sizes", async () => {
    await page.route('**/api/ledger/consistency*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { proof: string[] };
      const hash = body.proof[0]!;
      body.proof[0] = `${hash[0] === '0' ? '1' : '0'}${hash.slice(1)}`;
      await route.fulfill({ response, json: body });
    });
    await checkConsistency('1', '3');
    await page.locator('.consistency-verdict[data-verdict="FAILED"]').waitFor();
    expect(await page.locator('.consistency .reason').innerText()).toContain(
      'consistency proof does not verify',
    );
    await page.screenshot({ path: `${SHOTS}/console-ledger-consistency-failed.png`, fullPage: true });
    await page.unrouteAll();
    await checkConsistency('1', '9');
    await page.locator('.consistency .problem').waitFor();
    expect(await page.locator('.consistency .problem').innerText()).toBe(
      'second (9) is beyond the ledger: it holds 4 sealed runs',
    );
    expect(watch.errors.filter((e) => !e.includes('400'))).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
  });

  it('answers bad sizes with 400 naming the field, and reads only the token tenant ledger', async () => {
    const bad: [string, string][] = [
      ['second=2', 'first'],
      ['first=abc&second=2', 'first'],
      ['first=-1', 'first'],
      ['first=1.5', 'first'],
      ['first=1&second=x', 'second'],
      ['first=3&second=2', 'first'],
      ['first=5', 'first'],
      ['first=1&second=5', 'second'],
    ];
    for (const [query, field] of bad) {
      const response = await api(`/api/ledger/consistency?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
      const body = (await response.json()) as { field: string; message: string };
      expect([query, body.field]).toEqual([query, field]);
      expect(body.message).toContain(field);
    }
    const whole = (await (await api('/api/ledger/consistency?first=2')).json()) as Record<string, unknown>;
    expect(whole).toMatchObject({ tenant_id: TENANT, from: 2, to: 4 });
    const other = await api('/api/ledger/consistency?first=0&second=1', tokens.b);
    expect(await other.json()).toMatchObject({ tenant_id: 'tenant-other', from: 0, to: 1 });
    expect((await api('/api/ledger/consistency?first=1&second=3', tokens.b)).status).toBe(400);
    expect((await fetch(`${base()}/api/ledger/consistency?first=1`)).status).toBe(401);
  });
});
