import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type EmbeddedLayout, SUPERUSER } from './embedded-layout.js';
import { loadEmbeddedPostgres } from './embedded-postgres-module.js';
import type { PostgresAccount } from './postgres-account.js';
import { postgresBinaries } from './postgres-binaries.js';

const run = promisify(execFile);

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });

const logTail = async (layout: EmbeddedLayout): Promise<string> => {
  const text = await readFile(layout.logFile, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-8).join('\n');
};

/** pg_ctl, run as the server's account. Resolves to its exit code; never rejects on a non-zero one. */
const pgCtl = async (
  account: PostgresAccount,
  args: readonly string[],
): Promise<{ code: number; output: string }> => {
  const { pg_ctl } = await postgresBinaries();
  try {
    const result = await run(pg_ctl, args, { ...account, env: { ...process.env, LC_ALL: 'C' } });
    return { code: 0, output: result.stdout + result.stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') throw new Error(`cannot run pg_ctl: ${failed.message}`);
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
};

export const isInitialised = (layout: EmbeddedLayout): Promise<boolean> =>
  exists(join(layout.data, 'PG_VERSION'));

/** Creates the cluster with a random superuser password (scram-sha-256), through embedded-postgres,
 * which also creates the postgres account when we run as root. A half-made data directory left by
 * an interrupted initialisation is removed first. */
export const initialiseCluster = async (layout: EmbeddedLayout): Promise<void> => {
  await rm(layout.data, { recursive: true, force: true });
  const password = randomBytes(24).toString('base64url');
  await writeFile(layout.passwordFile, password, { mode: 0o600 });
  const log: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: layout.data,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    createPostgresUser: true,
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message) => log.push(String(message)),
    onError: (error) => log.push(String(error)),
  });
  try {
    await cluster.initialise();
  } catch (error) {
    throw new Error(
      `cannot initialise the embedded Postgres in ${layout.data}: ${(error as Error).message} ${log.slice(-5).join(' ')}`.trim(),
    );
  }
};

export const readPassword = (layout: EmbeddedLayout): Promise<string> =>
  readFile(layout.passwordFile, 'utf8').then((text) => text.trim());

export const isRunning = async (layout: EmbeddedLayout, account: PostgresAccount): Promise<boolean> =>
  (await isInitialised(layout)) && (await pgCtl(account, ['status', '-D', layout.data])).code === 0;

export const readPort = async (layout: EmbeddedLayout): Promise<number | undefined> => {
  try {
    const parsed = JSON.parse(await readFile(layout.serverFile, 'utf8')) as { port?: unknown };
    return typeof parsed.port === 'number' ? parsed.port : undefined;
  } catch {
    return undefined;
  }
};

/** Starts the server detached (it outlives this process until stopped), listening on 127.0.0.1 only,
 * on a port free at this moment; records that port. */
export const startServer = async (layout: EmbeddedLayout, account: PostgresAccount): Promise<number> => {
  const log = await open(layout.logFile, 'a', 0o640);
  await log.close();
  if (account.uid !== undefined) await chown(layout.logFile, account.uid, account.gid ?? -1);
  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    const started = await pgCtl(account, [
      'start',
      '-D',
      layout.data,
      '-l',
      layout.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      options,
    ]);
    if (started.code === 0) {
      await writeFile(layout.serverFile, JSON.stringify({ port }));
      return port;
    }
    lastFailure = `${started.output.trim()}\n${await logTail(layout)}`;
  }
  throw new Error(`the embedded Postgres did not start (log: ${layout.logFile}): ${lastFailure}`);
};

export const stopServer = async (layout: EmbeddedLayout, account: PostgresAccount): Promise<void> => {
  if (!(await isRunning(layout, account))) return;
  const stopped = await pgCtl(account, ['stop', '-D', layout.data, '-m', 'fast', '-w', '-t', '60']);
  if (stopped.code !== 0 && (await isRunning(layout, account))) {
    throw new Error(`the embedded Postgres did not stop: ${stopped.output.trim()}`);
  }
  await rm(layout.serverFile, { force: true });
};
