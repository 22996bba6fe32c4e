import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { initKeys } from '../../adapters/keys/key-directory.js';
import { jsonOf, runCli, type CliResult } from './cli.js';

/** Writes a plan template file and registers an agent with it through the customer CLI. */
export const createAgent = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  steps: unknown[],
  extra: string[] = [],
): Promise<string> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-template-'));
  const file = join(directory, 'template.json');
  await writeFile(file, JSON.stringify({ steps }));
  const created = await runCli(
    'aos',
    [
      'agents',
      'create',
      '--tenant-id',
      tenantId,
      '--name',
      'test agent',
      '--plan-template',
      file,
      '--json',
      ...extra,
    ],
    env,
  );
  if (created.code !== 0) throw new Error(`agents create failed (${created.code}): ${created.stderr}`);
  return jsonOf<{ agent_id: string }>(created).agent_id;
};

export const echoSteps = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'json_transform', params: { expression: 'message', input_from_step: 0 } },
];

export type RunJson = {
  run_id: string;
  tenant_id: string;
  status: string;
  trace_count: number;
  seal: { status: string };
  step_count: number;
  integrity: {
    model: string;
    verification_status: string;
    chain_length: number;
    root_hash: string;
    divergence: unknown;
  };
};

export const runGoal = async (
  env: NodeJS.ProcessEnv,
  tenantId: string,
  agentId: string,
  goal = 'Run proof v3 validation run',
): Promise<RunJson & { result: CliResult }> => {
  const result = await runCli(
    'aos',
    ['run', '--tenant-id', tenantId, '--agent-id', agentId, '--goal', goal, '--json'],
    env,
  );
  return { ...jsonOf<RunJson>(result), result };
};

/** Row counts of every table the product writes, to show a refused command wrote nothing. */
export const tableCounts = async (pool: pg.Pool): Promise<Record<string, number>> => {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM aos_events) AS aos_events, (SELECT count(*) FROM aos_traces) AS aos_traces,
            (SELECT count(*) FROM aos_trace_steps) AS aos_trace_steps, (SELECT count(*) FROM runs) AS runs,
            (SELECT count(*) FROM agents) AS agents`,
  );
  return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
};

/** Runs SQL the way an attacker with superuser rights would: triggers bypassed. */
export const tamper = async (pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    const result = await client.query(sql, params);
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

/** `env` plus AOS_KEYS_DIR naming a fresh key directory with a signing key, made in this process by
 * the initKeys that `aos-int keys init` calls (a third of a CPU-second less than spawning it; the
 * command itself is tested in signing-keys, key-files and cli-exit-codes), or by the command when
 * `env` chooses a signer (AOS_SIGNER: a PKCS#11 token's key is made by the command) or the test is
 * about the files the command makes (`byCommand`). */
export const withSigningKey = async (
  env: NodeJS.ProcessEnv,
  options: { readonly byCommand?: boolean } = {},
): Promise<NodeJS.ProcessEnv> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-keys-'));
  const keysEnv = { ...env, AOS_KEYS_DIR: directory };
  if (!env.AOS_SIGNER && options.byCommand !== true) {
    const made = await initKeys(directory, new Date().toISOString());
    if (isLeft(made)) throw new Error(`keys init failed: ${made.left.kind}`);
    return keysEnv;
  }
  const created = await runCli('aos-int', ['keys', 'init', '--json'], keysEnv);
  if (created.code !== 0) throw new Error(`keys init failed (${created.code}): ${created.stderr}`);
  return keysEnv;
};
