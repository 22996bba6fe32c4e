import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { verifierKey } from '../../../domain/proof/signed-note.js';
import { jsonOf, runCli } from '../../support/cli.js';
import { echoSteps, runGoal, withSigningKey } from '../../support/cli-fixtures.js';
import { registerAgent } from '../../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';
import {
  startWitness,
  witnessFiles,
  type WitnessFiles,
  type WitnessProcess,
} from '../../support/witness-process.js';

type Divergence = { source: string; field: string; expected: unknown; actual: unknown };
export type PolicyVerdict = {
  integrity: { verification_status: string; failure_reason: string | null; divergence: Divergence | null };
  witnesses?: { met: boolean; cosigned_by: string[] };
};

/**
 * A tenant ledger whose heads go to two real witnesses (`aos-int witness serve` on 127.0.0.1, each
 * with its own key and state directory), the log configured with both (AOS_WITNESSES_FILE), and an
 * auditor's policy that needs both (2-of-2): for test/e2e/witness-*.e2e.spec.ts.
 */
export const witnessedLedger = (tenant: string) => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  const state = { agentId: '', keyFile: '', policy: '', directory: '' };
  const files: WitnessFiles[] = [];
  const witnesses: WitnessProcess[] = [];

  const startNth = async (n: number, port = 0): Promise<WitnessProcess> => {
    const started = await startWitness(files[n] as WitnessFiles, `witness.test/w${n + 1}`, port);
    witnesses[n] = started;
    return started;
  };

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url }));
    state.directory = await mkdtemp(join(tmpdir(), 'aos-witnessed-'));
    const publicKeys = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    state.keyFile = join(publicKeys, (await readdir(publicKeys))[0] ?? '');
    const record = JSON.parse(await readFile(state.keyFile, 'utf8')) as { public_key: string };
    const logKey = verifierKey('aos.runproof', new Uint8Array(Buffer.from(record.public_key, 'base64')));
    if (logKey._tag === 'Left') throw new Error(logKey.left.message);
    for (let n = 0; n < 2; n++) {
      files.push(await witnessFiles(`log aos.runproof/${tenant} ${logKey.right}\n`));
      await startNth(n);
    }
    const configured = witnesses.map((w, n) => `witness w${n + 1} ${w.verifierKey} ${w.url}`).join('\n');
    env.AOS_WITNESSES_FILE = join(state.directory, 'witnesses.txt');
    await writeFile(env.AOS_WITNESSES_FILE, `${configured}\n`);
    state.policy = join(state.directory, 'policy.txt');
    const policy = witnesses.map((w, n) => `witness w${n + 1} ${w.verifierKey}`).join('\n');
    await writeFile(state.policy, `${policy}\ngroup both 2 w1 w2\nquorum both\n`);
    state.agentId = await registerAgent(env, tenant, echoSteps);
  });
  afterAll(async () => {
    for (const w of witnesses) w.child.kill('SIGKILL');
    await db.drop();
  });

  const sealRun = async () => {
    const run = await runGoal(env, tenant, state.agentId);
    expect(run.result.code, run.result.stderr).toBe(0);
    return run;
  };
  /** `aos export` of the run, then `aos verify` of the file pinned to the key, under the policy. */
  const verifyExported = async (runId: string) => {
    const exported = await runCli('aos', ['export', '--tenant-id', tenant, '--run-id', runId], env);
    const file = join(state.directory, `${runId}.json`);
    await writeFile(file, exported.stdout);
    const args = ['verify', file, '--json', '--public-key', state.keyFile, '--witness-policy', state.policy];
    const verified = await runCli('aos', args, { AOS_HOME: state.directory });
    return { code: verified.code, stderr: verified.stderr, ...jsonOf<PolicyVerdict>(verified) };
  };
  const uncosignedHeads = async () => {
    const swept = await runCli('aos-int', ['verify-all', '--tenant-id', tenant, '--json'], env);
    return jsonOf<{ uncosigned_heads: Array<{ tree_size: number; cosigned_by: string[] }> }>(swept)
      .uncosigned_heads;
  };
  const cosign = () => runCli('aos-int', ['ledger', 'cosign', '--tenant-id', tenant, '--json'], env);

  return { db, env, state, witnesses, startNth, sealRun, verifyExported, uncosignedHeads, cosign };
};
