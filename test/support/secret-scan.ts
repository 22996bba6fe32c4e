import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { inject } from 'vitest';

/** Every row of every table in every non-system schema of the database, as text. */
export const dumpAllTables = async (pool: pg.Pool): Promise<{ tables: string[]; text: string }> => {
  const { rows } = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg_toast%'
      ORDER BY 1, 2`,
  );
  const parts: string[] = [];
  for (const { schema, name } of rows) {
    const table = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
    const dumped = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
    parts.push(`-- ${table}`, ...dumped.rows.map((r) => r.row));
  }
  return { tables: rows.map((r) => `${r.schema}.${r.name}`), text: parts.join('\n') };
};

/** Runs CHECKPOINT on the test server (as its superuser), so that every page is on disk too. */
export const checkpointServer = async (): Promise<void> => {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
};

/** Files under `directory` (recursively) whose bytes contain `needle`; files that vanish while
 * being read (another test file dropping its database) are passed over. */
export const filesContaining = async (
  directory: string,
  needle: string,
): Promise<{ scanned: number; bytes: number; found: string[] }> => {
  const target = Buffer.from(needle, 'utf8');
  const found: string[] = [];
  let scanned = 0;
  let bytes = 0;
  const walk = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        const content = await readFile(child).catch(() => null);
        if (content === null) continue;
        scanned += 1;
        bytes += content.length;
        if (content.includes(target)) found.push(child);
      }
    }
  };
  await walk(directory);
  return { scanned, bytes, found };
};

const run = promisify(execFile);

/** The major version of `pg_dump` on PATH, or null when there is none. */
export const pgDumpMajor = async (): Promise<number | null> => {
  try {
    const { stdout } = await run('pg_dump', ['--version']);
    const match = /(\d+)(?:\.\d+)?/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
};

export const pgDump = async (url: string): Promise<string> =>
  (await run('pg_dump', ['--dbname', url], { maxBuffer: 256 * 1024 * 1024 })).stdout;
