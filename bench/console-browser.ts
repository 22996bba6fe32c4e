import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { median } from './median.js';
import { pause } from './progress.js';
import type { BenchKeys } from './signing-key.js';

/** Debian's chromium (`apt-get install -y chromium`), as the browser tests drive it. */
const CHROMIUM = process.env.AOS_CHROMIUM ?? '/usr/bin/chromium';
const PINNED_KEYS = 'aos.console.pinned-keys';
const POLL_MS = 5;

export const launchBenchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

/** A browser context signed in with the read token, the bench key pinned in its storage (as a
 * reader pins it once): the run pages verify against it. */
export const signedInContext = async (
  browser: Browser,
  base: string,
  token: string,
  keys: BenchKeys,
): Promise<BrowserContext> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#token', token);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${base}/`);
  const pinned = JSON.stringify([
    { key_id: keys.signer.keyId, public_key: Buffer.from(keys.signer.publicKey).toString('base64') },
  ]);
  await page.evaluate(`localStorage.setItem(${JSON.stringify(PINNED_KEYS)}, ${JSON.stringify(pinned)})`);
  await page.close();
  return context;
};

/** When the run page showed what (ms from its navigation's start, the page's own clock). */
export type RunPageTimes = {
  /** The Performance API's first-contentful-paint. */
  readonly firstContentfulPaint: number;
  /** The run's header and its first steps in the DOM (checked every frame). */
  readonly stepsVisible: number;
  /** The verdict VERIFIED shown. */
  readonly verified: number;
};

/** Waits until the page expression `probe` is not null, evaluating it every few milliseconds
 * (through the DevTools protocol, as text: the page's CSP forbids eval, and this process has no
 * DOM types); its value. */
const whenInPage = async <T>(page: Page, probe: string, timeoutMs: number): Promise<T> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = (await page.evaluate(probe)) as T | null;
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`not seen in the page in ${timeoutMs} ms: ${probe}`);
    await pause(POLL_MS);
  }
};

const STEPS_SHOWN = `document.querySelector('.run-header h1') && document.querySelector('li.step')
  ? performance.now() : null`;
const VERDICT_SHOWN = `(() => {
  const shown = document.querySelector('.verdict')?.getAttribute('data-verdict');
  return shown === 'VERIFIED' || shown === 'FAILED' ? [shown, performance.now()] : null;
})()`;
const FCP = `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`;
const ROWS_SHOWN = `document.querySelector('table.runs tbody tr') ? performance.now() : null`;
const CLICK_OLDER = `(() => {
  const older = [...document.querySelectorAll('nav.pager button')].find((b) => b.textContent === 'Older');
  older?.click();
  return performance.now();
})()`;
const rowsReplaced = (previous: string) => `(() => {
  const row = document.querySelector('table.runs tbody tr');
  return row && row.innerText !== ${JSON.stringify(previous)} ? performance.now() : null;
})()`;
const fetchPage = (cursor: string | null) => `(async () => {
  const started = performance.now();
  const response = await fetch('/api/runs${cursor === null ? '' : `?cursor=${cursor}`}', { credentials: 'same-origin' });
  const body = await response.json();
  if (body.runs.length === 0) throw new Error('an empty page');
  return performance.now() - started;
})()`;

/** Opens /runs/{runId} in `tab` and times it, as a reader opens one run after another in one
 * tab; a verdict other than VERIFIED fails the bench (a figure of a page that does not verify would
 * mean nothing). The tab is left at about:blank first, so that the page before (and its worker) is
 * gone. One tab for all the runs, not one each: Chromium builds its own interface for a new tab or
 * window (its omnibox popup, a WebUI page: some 0.3-1.5 s of CPU on this machine), which would be
 * measured with the page. */
export const timeRunPage = async (tab: Page, base: string, runId: string): Promise<RunPageTimes> => {
  await tab.goto('about:blank');
  await tab.goto(`${base}/runs/${runId}`, { waitUntil: 'commit' });
  const stepsVisible = await whenInPage<number>(tab, STEPS_SHOWN, 60_000);
  const [verdict, verified] = await whenInPage<[string, number]>(tab, VERDICT_SHOWN, 300_000);
  if (verdict !== 'VERIFIED')
    throw new Error(`the run page says ${verdict}: ${await tab.locator('.proof').innerText()}`);
  const firstContentfulPaint = (await tab.evaluate(FCP)) as number;
  return { firstContentfulPaint, stepsVisible, verified };
};

/** The runs list in the browser: the first page shown (ms from navigation start), then each click
 * on Older up to page `deep` until its rows replaced the previous page's (ms per page). */
export const timeListPages = async (
  context: BrowserContext,
  base: string,
  deep: number,
): Promise<{ readonly first: number; readonly next: readonly number[] }> => {
  const page = await context.newPage();
  try {
    await page.goto(`${base}/`, { waitUntil: 'commit' });
    const first = await whenInPage<number>(page, ROWS_SHOWN, 60_000);
    const next: number[] = [];
    for (let at = 2; at <= deep; at++) {
      const before = await page.locator('table.runs tbody tr').first().innerText();
      const clicked = (await page.evaluate(CLICK_OLDER)) as number;
      const shown = await whenInPage<number>(page, rowsReplaced(before), 60_000);
      next.push(shown - clicked);
    }
    return { first, next };
  } finally {
    await page.close();
  }
};

/** GET of the list's page after `cursor` from within the page (its fetch and JSON), in ms: the
 * median of three, after a GET of the first page (the page's connection opened, its code warm). */
export const timeListFetchInPage = async (
  context: BrowserContext,
  base: string,
  cursor: string,
): Promise<number> => {
  const page = await context.newPage();
  try {
    await page.goto(`${base}/assets/console.css`);
    await page.evaluate(fetchPage(null));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await page.evaluate(fetchPage(cursor))) as number);
    return median(times);
  } finally {
    await page.close();
  }
};
