import type pg from 'pg';
import { median } from './median.js';
import { BENCH_TENANT } from './product-wiring.js';
import type { ConsoleServer } from './console-seed.js';

/** The list's page size in the console (GET /api/runs without a limit). */
const PAGE_SIZE = 50;
/** Requests per sample: one sample is their median. */
const TRIES = 5;

type PageBody = { runs: { run_id: string }[]; next_cursor: string | null };

/** A GET of the list's page after `cursor` (null: the first), its time (ms) and body. */
const getPage = async (server: ConsoleServer, cursor: string | null) => {
  const started = performance.now();
  const response = await fetch(`${server.base}/api/runs${cursor === null ? '' : `?cursor=${cursor}`}`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  if (response.status !== 200) throw new Error(`GET /api/runs answered ${response.status}`);
  const body = (await response.json()) as PageBody;
  return { ms: performance.now() - started, body };
};

/** Every page of the tenant's list, walked with the cursors the API hands out: the cursor that
 * opens each page (null for the first) and the time each GET took. */
export const walkListPages = async (
  server: ConsoleServer,
): Promise<{
  readonly cursors: readonly (string | null)[];
  readonly ms: readonly number[];
  rows: number;
}> => {
  const cursors: (string | null)[] = [];
  const ms: number[] = [];
  let rows = 0;
  for (let cursor: string | null = null; ;) {
    const got = await getPage(server, cursor);
    cursors.push(cursor);
    ms.push(got.ms);
    rows += got.body.runs.length;
    if (got.body.next_cursor === null) break;
    cursor = got.body.next_cursor;
  }
  return { cursors, ms, rows };
};

/** The median of TRIES GETs of the page after `cursor`, in ms. */
export const timeApiPage = async (server: ConsoleServer, cursor: string | null): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < TRIES; i++) times.push((await getPage(server, cursor)).ms);
  return median(times);
};

// The peer: the same page as a plain keyset SELECT on runs (the index runs_tenant_newest), none of
// the API's joins, checks or JSON.
const PLAIN_PAGE = `SELECT run_id, agent_id, goal, status, created_at, completed_at
   FROM runs
  WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, run_id) < ($2::timestamptz, $3::text))
  ORDER BY created_at DESC, run_id DESC
  LIMIT $4`;

/** The API's opaque cursor read back (base64url of [created_at, run_id]). */
const keysetOf = (cursor: string | null): [string | null, string | null] =>
  cursor === null
    ? [null, null]
    : (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]);

/** The median of TRIES plain SELECTs of the page after `cursor`, in ms, on one pooled connection. */
export const timeSqlPage = async (pool: pg.Pool, cursor: string | null): Promise<number> => {
  const [createdAt, runId] = keysetOf(cursor);
  const times: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    const started = performance.now();
    const result = await pool.query(PLAIN_PAGE, [BENCH_TENANT, createdAt, runId, PAGE_SIZE + 1]);
    if (result.rows.length === 0) throw new Error('the plain SELECT found no page');
    times.push(performance.now() - started);
  }
  return median(times);
};
