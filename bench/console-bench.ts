import type { Browser } from 'playwright-core';
import { verifyBundle } from '../domain/bundle/bundle-verification.js';
import type { BenchServer } from './bench-database.js';
import type { BenchSizes } from './bench-options.js';
import { figure, measure, type Figure } from './bench-report.js';
import {
  launchBenchChromium,
  signedInContext,
  timeListFetchInPage,
  timeListPages,
  timeRunPage,
  type RunPageTimes,
} from './console-browser.js';
import { timeApiPage, timeSqlPage, walkListPages } from './console-list.js';
import { seedConsoleRuns, startConsoleServer, type ConsoleServer } from './console-seed.js';
import { median, percentile, repeat } from './median.js';
import { progress } from './progress.js';
import type { BenchKeys } from './signing-key.js';

const PAINT_GOAL_MS = 1_000;
const VERIFY_GOAL_MS = 5_000;
const PAGE_GOAL_MS = 200;
const DEEP_PAGE = 10;

const under = (goalMs: number) => (m: number) => ({
  text: `≤ ${goalMs.toLocaleString('en-US')} ms`,
  test: () => m <= goalMs,
});

/** The peer of the page's verification: the same bundle fetched, parsed and verified by the
 * domain's verifyBundle in Node (node:crypto), against the same key. */
const verifyInNode = async (server: ConsoleServer, runId: string, keys: BenchKeys) => {
  const started = performance.now();
  const response = await fetch(`${server.base}/api/runs/${runId}/bundle`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const text = await response.text();
  const fetched = performance.now();
  const verdict = verifyBundle(JSON.parse(text), [keys.signer.publicKey]);
  if (verdict.integrity.verification_status !== 'VERIFIED')
    throw new Error(`verifyBundle in Node: ${verdict.integrity.failure_reason ?? 'not VERIFIED'}`);
  const ms = performance.now() - started;
  return { ms, fetchMs: fetched - started, verifyMs: ms - (fetched - started), bytes: text.length };
};

const runPageFigures = async (
  browser: Browser,
  server: ConsoleServer,
  seed: { longRunId: string; shortRunId: string },
  steps: number,
  reps: number,
  keys: BenchKeys,
): Promise<Figure[]> => {
  const context = await signedInContext(browser, server.base, server.token, keys);
  const tab = await context.newPage();
  await timeRunPage(tab, server.base, seed.shortRunId); // warm-up
  const samples = await repeat(reps, async (rep) => {
    const long: RunPageTimes = await timeRunPage(tab, server.base, seed.longRunId);
    const short = await timeRunPage(tab, server.base, seed.shortRunId);
    const node = await verifyInNode(server, seed.longRunId, keys);
    progress(
      `console rep ${rep}: run page FCP ${long.firstContentfulPaint.toFixed(0)} ms, steps ${long.stepsVisible.toFixed(0)} ms, VERIFIED ${long.verified.toFixed(0)} ms; 1-step run page steps ${short.stepsVisible.toFixed(0)} ms; Node fetch ${node.fetchMs.toFixed(0)} + verify ${node.verifyMs.toFixed(0)} ms (${(node.bytes / 1e6).toFixed(0)} MB)`,
    );
    return { long, short, node };
  });
  await context.close();
  const of = (pick: (s: (typeof samples)[number]) => number) => samples.map(pick);
  const name = `run page of a ${steps.toLocaleString('en-US')}-step sealed run`;
  const shortSide = (label: string, pick: (t: RunPageTimes) => number) =>
    measure(
      label,
      'ms',
      of((s) => pick(s.short)),
    );
  const fcp = measure(
    'first-contentful-paint',
    'ms',
    of((s) => s.long.firstContentfulPaint),
  );
  const visible = measure(
    'header + first steps',
    'ms',
    of((s) => s.long.stepsVisible),
  );
  const verified = measure(
    'VERIFIED in the page',
    'ms',
    of((s) => s.long.verified),
  );
  const node = measure(
    'Node: fetch + verifyBundle',
    'ms',
    of((s) => s.node.ms),
    `fetch ${median(of((s) => s.node.fetchMs)).toFixed(0)} ms, verify ${median(of((s) => s.node.verifyMs)).toFixed(0)} ms`,
  );
  return [
    figure(
      'Console',
      `${name}: first paint`,
      fcp,
      shortSide('1-step run', (t) => t.firstContentfulPaint),
      'long/short',
      under(PAINT_GOAL_MS)(fcp.median),
    ),
    figure(
      'Console',
      `${name}: header and first steps shown`,
      visible,
      shortSide('1-step run', (t) => t.stepsVisible),
      'long/short',
      under(PAINT_GOAL_MS)(visible.median),
    ),
    figure(
      'Console',
      `${name}: verified in the page (worker)`,
      verified,
      node,
      'page/node',
      under(VERIFY_GOAL_MS)(verified.median),
    ),
  ];
};

type ListSample = { api: number[]; sql: number[]; browser: number[] };

const listFigures = async (
  browser: Browser,
  server: ConsoleServer,
  sqlPool: import('pg').Pool,
  runs: number,
  reps: number,
  keys: BenchKeys,
): Promise<{ figures: Figure[]; summary: string[] }> => {
  progress(`console: walking every page of the list of ${runs.toLocaleString('en-US')} runs`);
  const walk = await walkListPages(server);
  if (walk.rows !== runs) throw new Error(`the list walked ${walk.rows} runs, not ${runs}`);
  const deep = [
    { label: 'first page', cursor: walk.cursors[0] ?? null },
    { label: `page ${DEEP_PAGE}`, cursor: walk.cursors[DEEP_PAGE - 1] ?? null },
    { label: `last page (${walk.cursors.length})`, cursor: walk.cursors[walk.cursors.length - 1] ?? null },
  ];
  const context = await signedInContext(browser, server.base, server.token, keys);
  const samples: ListSample[] = await repeat(reps, async (rep) => {
    const api = [];
    const sql = [];
    for (const at of deep) {
      api.push(await timeApiPage(server, at.cursor));
      sql.push(await timeSqlPage(sqlPool, at.cursor));
    }
    const shown = await timeListPages(context, server.base, DEEP_PAGE);
    const last = await timeListFetchInPage(context, server.base, deep[2]?.cursor ?? '');
    const browserTimes = [shown.first, median(shown.next), last];
    progress(
      `console rep ${rep}: list API ${api.map((m) => m.toFixed(1)).join(' / ')} ms, SQL ${sql.map((m) => m.toFixed(1)).join(' / ')} ms; browser: first page shown ${shown.first.toFixed(0)} ms, Older ${shown.next.map((m) => m.toFixed(0)).join(' ')} ms, last page fetched ${last.toFixed(0)} ms`,
    );
    return { api, sql, browser: browserTimes };
  });
  await context.close();
  const figures = deep.map((at, i) => {
    const api = measure(
      'GET /api/runs',
      'ms',
      samples.map((s) => s.api[i] ?? Number.NaN),
    );
    const sql = measure(
      'plain keyset SELECT',
      'ms',
      samples.map((s) => s.sql[i] ?? Number.NaN),
    );
    return figure(
      'Console',
      `runs list of ${runs.toLocaleString('en-US')} runs, ${at.label} (API, median of 5)`,
      api,
      sql,
      'api/sql',
      under(PAGE_GOAL_MS)(api.median),
    );
  });
  const browserLabels = [
    'first page shown (from navigation)',
    `Older to pages 2..${DEEP_PAGE} (click to rows)`,
    'last page fetched in the page',
  ];
  browserLabels.forEach((label, i) => {
    const inPage = measure(
      'in the browser',
      'ms',
      samples.map((s) => s.browser[i] ?? Number.NaN),
    );
    const api = measure(
      'GET /api/runs (Node)',
      'ms',
      samples.map((s) => s.api[i === 2 ? 2 : 0] ?? Number.NaN),
    );
    figures.push(
      figure(
        'Console',
        `runs list, ${label}`,
        inPage,
        api,
        'browser/api',
        under(i === 0 ? PAINT_GOAL_MS : PAGE_GOAL_MS)(inPage.median),
      ),
    );
  });
  const summary = [
    `console: walked all ${walk.cursors.length} pages of the list (${PAGE_SIZE_NOTE}): median ${median(walk.ms).toFixed(1)} ms, p95 ${percentile(walk.ms, 95).toFixed(1)} ms, max ${Math.max(...walk.ms).toFixed(1)} ms per page`,
  ];
  return { figures, summary };
};

const PAGE_SIZE_NOTE = '50 runs a page';

/** The goals' lines: PASS, or OVER GOAL with the figure. */
const goalLines = (figures: readonly Figure[]): string[] =>
  figures
    .filter((f) => f.goal !== null)
    .map(
      (f) =>
        `${f.goal?.met ? 'PASS' : 'OVER GOAL'}  ${f.name}: ${f.ours.median.toFixed(0)} ms (goal ${f.goal?.text})`,
    );

/** Issue 16's performance acceptance: `aos serve`'s console in Debian's chromium, a run of
 * `consoleSteps` steps opened and verified in the page, and the list of `consoleRuns` runs paged. */
export const consoleBench = async (
  server: BenchServer,
  sizes: BenchSizes,
  reps: number,
  keys: BenchKeys,
): Promise<{ figures: Figure[]; summary: string[] }> => {
  const database = await server.database('bench_console', { migrated: true });
  let served: ConsoleServer | null = null;
  let browser: Browser | null = null;
  try {
    const seed = await seedConsoleRuns(database, sizes.consoleRuns, sizes.consoleSteps, keys);
    served = await startConsoleServer(database, keys);
    browser = await launchBenchChromium();
    const figures = await runPageFigures(browser, served, seed, sizes.consoleSteps, reps, keys);
    const list = await listFigures(browser, served, database.pool(1), seed.runs, reps, keys);
    figures.push(...list.figures);
    return { figures, summary: [...list.summary, ...goalLines(figures)] };
  } finally {
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await database.drop();
  }
};
