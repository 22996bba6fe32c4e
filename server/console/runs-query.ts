import * as E from 'fp-ts/lib/Either.js';
import type { RunListCursor, RunListFilter } from '../../application/ports/read-model.js';
import { queryWholeNumber } from './query-whole-number.js';

/** GET /api/runs's query parameters, checked. */
export type RunsQuery = {
  readonly filter: RunListFilter;
  readonly after: RunListCursor | null;
  readonly limit: number;
};

const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

/** The page cursor as the API hands it out: opaque (base64url of the last row's keyset). */
export const encodeCursor = (cursor: RunListCursor): string =>
  Buffer.from(JSON.stringify([cursor.created_at, cursor.run_id]), 'utf8').toString('base64url');

/** A timestamptz as Postgres prints it (2026-12-06 23:59:01.123456+00). */
const TIMESTAMP_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/;

const decodeCursor = (text: string): RunListCursor | null => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [createdAt, runId] = parsed as unknown[];
    if (typeof createdAt !== 'string' || typeof runId !== 'string') return null;
    return TIMESTAMP_TEXT.test(createdAt) ? { created_at: createdAt, run_id: runId } : null;
  } catch {
    return null;
  }
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;

const instant = (name: string, value: unknown): E.Either<string, string | undefined> => {
  const given = text(value);
  if (given === undefined) return E.right(undefined);
  const at = Date.parse(given);
  return Number.isNaN(at)
    ? E.left(`${name}: not a date (ISO 8601 expected)`)
    : E.right(new Date(at).toISOString());
};

/** The filters (status, agent, origin, from, to, q), the cursor and the limit of a request, or what
 * is wrong with one of them. */
export const parseRunsQuery = (query: Record<string, unknown>): E.Either<string, RunsQuery> => {
  const from = instant('from', query.from);
  const to = instant('to', query.to);
  if (E.isLeft(from)) return from;
  if (E.isLeft(to)) return to;
  const cursorText = text(query.cursor);
  const after = cursorText === undefined ? null : decodeCursor(cursorText);
  if (cursorText !== undefined && after === null) return E.left('cursor: not a cursor of this list');
  const limitRead = queryWholeNumber(query.limit);
  const limit =
    limitRead.kind === 'absent' ? DEFAULT_LIMIT : limitRead.kind === 'number' ? limitRead.value : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) return E.left(`limit: a whole number from 1 to ${MAX_LIMIT}`);
  const filter: RunListFilter = {
    status: text(query.status),
    agent_id: text(query.agent),
    origin_system_id: text(query.origin),
    from: from.right,
    to: to.right,
    goal: text(query.q),
  };
  return E.right({ filter, after, limit });
};
