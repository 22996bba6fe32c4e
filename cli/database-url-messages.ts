import { CliFailure, infrastructureError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

// scheme://[user[:password]@]host[:port][/database][?params]: the parts a message names. The
// password is never printed.
const URL_PARTS =
  /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(\/[^?#]*)?/;

const badUrl = (message: string): CliFailure =>
  new CliFailure(ExitCode.usage, 'invalid_database_url', `DATABASE_URL: ${message}`, 'DATABASE_URL');

/** What is wrong with DATABASE_URL's form, as a usage error (exit 2) naming the part at fault, or
 * null when it has the form of a Postgres connection URL. Checked before any connection: `pg`
 * reads a string that is not a URL as something else and fails with an unrelated host name. */
export const databaseUrlProblem = (url: string): CliFailure | null => {
  const parts = URL_PARTS.exec(url);
  if (!parts) return badUrl('is not a URL of the form postgres://user:password@host:port/database');
  const [, scheme = '', , host = '', port, path] = parts;
  if (scheme !== 'postgres' && scheme !== 'postgresql')
    return badUrl(`the scheme is "${scheme}:", not postgres: or postgresql:`);
  const socketHost = /[?&]host=/.test(url);
  if (host === '' && !socketHost)
    return badUrl('names no host (postgres://user:password@HOST:port/database)');
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    return badUrl(`the port "${port}" is not a number from 1 to 65535`);
  if (path !== undefined && path.length > 1 && path.slice(1).includes('/'))
    return badUrl(`the database name "${path.slice(1)}" has a "/"`);
  return null;
};

const unreachable = (message: string): CliFailure => infrastructureError(`database unavailable: ${message}`);

/** Postgres error codes of a connection refused at its start, by the part of the URL at fault. */
const SERVER_REFUSALS: Readonly<Record<string, string>> = {
  '28P01': 'the password of the user was refused (password authentication failed)',
  '28000': 'the user is not allowed to connect (no such role, or pg_hba.conf refuses it)',
  '3D000': 'the database does not exist on that server',
};

/** Why the database named by DATABASE_URL could not be opened, naming the part of the URL at
 * fault where the error says which (exit 4: the URL has a valid form). */
export const databaseUnavailable = (url: string | undefined, error: unknown): CliFailure => {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (url === undefined || url === '' || typeof code !== 'string')
    return infrastructureError(`database unavailable: ${message}`);
  const parts = URL_PARTS.exec(url);
  const host = parts?.[3] ?? '';
  const where = `${host}${parts?.[4] ? `:${parts[4]}` : ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return unreachable(`DATABASE_URL: the host "${host}" was not found (DNS: ${code})`);
  if (code === 'ECONNREFUSED')
    return unreachable(`DATABASE_URL: nothing accepts connections at ${where} (ECONNREFUSED)`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return unreachable(`DATABASE_URL: the host ${where} cannot be reached (${code})`);
  const refusal = SERVER_REFUSALS[code];
  if (refusal) return unreachable(`DATABASE_URL: ${refusal}: ${message}`);
  return infrastructureError(`database unavailable: ${message}`);
};
