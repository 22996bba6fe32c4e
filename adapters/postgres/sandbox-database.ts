import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { migrate } from './migrator.js';

export const DEMO_DATABASE_NAME = 'aos_demo_sandbox';

/** Why the demo's sandbox database cannot be had: a setting that names the wrong database (a
 * usage error), or a server that refused. */
export type SandboxError =
  | { readonly kind: 'names_customer_database'; readonly variable: 'AOS_DEMO_DATABASE_URL' | 'DATABASE_URL' }
  | { readonly kind: 'sandbox_unavailable'; readonly message: string };

const databaseNameOf = (url: string): string =>
  decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';

const withDatabaseName = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
};

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const createDatabaseIfMissing = async (
  serverUrl: string,
  name: string,
): Promise<E.Either<SandboxError, void>> => {
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    return E.right(undefined);
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return E.right(undefined); // created by a concurrent demo
    return E.left({
      kind: 'sandbox_unavailable',
      message: `cannot create the demo sandbox database ${name}: ${errorMessage(error)}`,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
};

const migrated = async (url: string): Promise<E.Either<SandboxError, string>> => {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migrate(pool);
    return E.right(url);
  } catch (error) {
    return E.left({
      kind: 'sandbox_unavailable',
      message: `demo sandbox database unavailable: ${errorMessage(error)}`,
    });
  } finally {
    await pool.end();
  }
};

/** The demo's own database: AOS_DEMO_DATABASE_URL, or a database named aos_demo_sandbox on the
 * customer database's server, created and migrated here. The customer database is only used to
 * issue CREATE DATABASE; nothing is written to it. */
export const prepareDemoSandbox = async (
  customerUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<E.Either<SandboxError, string>> => {
  const explicit = env.AOS_DEMO_DATABASE_URL;
  if (explicit !== undefined && explicit !== '') {
    if (
      databaseNameOf(explicit) === databaseNameOf(customerUrl) &&
      new URL(explicit).host === new URL(customerUrl).host
    )
      return E.left({ kind: 'names_customer_database', variable: 'AOS_DEMO_DATABASE_URL' });
    return migrated(explicit);
  }
  if (databaseNameOf(customerUrl) === DEMO_DATABASE_NAME)
    return E.left({ kind: 'names_customer_database', variable: 'DATABASE_URL' });
  const created = await createDatabaseIfMissing(customerUrl, DEMO_DATABASE_NAME);
  if (E.isLeft(created)) return created;
  return migrated(withDatabaseName(customerUrl, DEMO_DATABASE_NAME));
};
