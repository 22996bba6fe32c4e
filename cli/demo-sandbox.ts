import pg from 'pg';
import { CliFailure, usageError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

const DEMO_DATABASE_NAME = 'aos_demo_sandbox';

const databaseNameOf = (url: string): string =>
  decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';

const withDatabaseName = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
};

/** The demo's own database: AOS_DEMO_DATABASE_URL, or a database named aos_demo_sandbox on the
 * customer database's server, created and migrated here. The customer database is only used to
 * issue CREATE DATABASE; nothing is written to it. */
export const prepareDemoSandbox = async (customerUrl: string, env: NodeJS.ProcessEnv): Promise<string> => {
  const explicit = env.AOS_DEMO_DATABASE_URL;
  if (explicit !== undefined && explicit !== '') {
    if (
      databaseNameOf(explicit) === databaseNameOf(customerUrl) &&
      new URL(explicit).host === new URL(customerUrl).host
    ) {
      throw usageError(
        'AOS_DEMO_DATABASE_URL',
        'names the customer database; the demo needs a sandbox database of its own',
      );
    }
  } else if (databaseNameOf(customerUrl) === DEMO_DATABASE_NAME) {
    throw usageError(
      'DATABASE_URL',
      `is the demo sandbox (${DEMO_DATABASE_NAME}); point it at the customer database`,
    );
  }
  const sandboxUrl = explicit || withDatabaseName(customerUrl, DEMO_DATABASE_NAME);
  if (!explicit) await createDatabaseIfMissing(customerUrl, DEMO_DATABASE_NAME);
  const { migrate } = await import('../adapters/postgres/migrator.js');
  const pool = new pg.Pool({ connectionString: sandboxUrl, max: 2 });
  try {
    await migrate(pool);
  } catch (error) {
    throw new CliFailure(
      ExitCode.infrastructure,
      'sandbox_unavailable',
      `demo sandbox database unavailable: ${(error as Error).message}`,
    );
  } finally {
    await pool.end();
  }
  return sandboxUrl;
};

const createDatabaseIfMissing = async (serverUrl: string, name: string): Promise<void> => {
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return; // created by a concurrent demo
    throw new CliFailure(
      ExitCode.infrastructure,
      'sandbox_unavailable',
      `cannot create the demo sandbox database ${name}: ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
};
