import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';

/** What a query can fail with: the database could not be reached, or it refused. */
type DatabaseFailure = Extract<EventStoreError, { kind: 'store_unavailable' | 'store_failed' }>;

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

export const pgErrorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;

// What node-pg throws, without a code, when the connection ends or cannot be had.
const CONNECTION_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Query read timeout)/;

/** Postgres and socket errors as the event store port's typed errors. */
export const storeErrorOf = (error: unknown): DatabaseFailure => {
  const code = pgErrorCode(error);
  const message = error instanceof Error ? error.message || code || 'unknown error' : String(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08')))
    return { kind: 'store_unavailable', message };
  if (error instanceof AggregateError)
    return { kind: 'store_unavailable', message: error.errors.map((e: Error) => e.message).join('; ') };
  // A connection that ended or could not be had, which node-pg reports without a code.
  if (code === undefined && error instanceof Error && CONNECTION_MESSAGE.test(error.message))
    return { kind: 'store_unavailable', message };
  return { kind: 'store_failed', message };
};

/** A query whose failure is the database's typed error (the ports' `...Error` types are these). */
export const databaseQuery = <T>(work: () => Promise<T>): TE.TaskEither<DatabaseFailure, T> =>
  TE.tryCatch(work, storeErrorOf);

/** Whether `error` comes from the database or the connection to it (a Postgres error with its
 * SQLSTATE, a socket error, a connection ended), rather than from a defect of the code that ran
 * the query, which stays an error to throw. */
export const isDatabaseFailure = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = pgErrorCode(error);
  // Node's own ERR_ codes name a misuse of an API (a defect), except TLS errors of the connection.
  if (code !== undefined) return !code.startsWith('ERR_') || code.startsWith('ERR_SSL_');
  return error instanceof AggregateError || CONNECTION_MESSAGE.test(error.message);
};
