import { createPrivateKey, sign } from 'node:crypto';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonValue } from '../../domain/json/json-value.js';
import { checkpointBytes, type RunCheckpoint } from '../../domain/ledger/run-checkpoint.js';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tableCounts, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * The rule for the keys of a tenant ledger: a seal is appended only under a key the operator's key
 * set (public-keys/ of AOS_KEYS_DIR) holds, and verify-all calls a ledger damaged only for damage.
 * Before, a signing key without its public key sealed runs that no proof could verify, and a seal
 * by a key the verifier's key set did not hold made verify-all call every run of the tenant
 * "damaged" while `aos proof` said VERIFIED for all but that one.
 */
type Proof = { integrity: { verification_status: string; failure_reason: string | null } };
type Summary = {
  runs: number;
  verified: number;
  failed: number;
  failed_runs: Array<{ run_id: string; reason: string | null }>;
};

describe('the key set of a tenant ledger', () => {
  let db: TestDatabase;
  let dbEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await freshDatabase();
    dbEnv = { DATABASE_URL: db.url };
  });
  afterAll(async () => db.drop());

  const keyIdOf = async (env: NodeJS.ProcessEnv): Promise<string> =>
    jsonOf<{ keys: Array<{ key_id: string }> }>(await runCli('aos-int', ['keys', 'list', '--json'], env))
      .keys[0]?.key_id ?? '';
  const sealedRun = async (env: NodeJS.ProcessEnv, tenant: string, agentId: string): Promise<string> => {
    const run = await runGoal(env, tenant, agentId);
    expect(run.result.code, run.result.stderr).toBe(0);
    return run.run_id;
  };
  const prove = async (env: NodeJS.ProcessEnv, tenant: string, runId: string) => {
    const result = await runCli('aos', ['proof', '--tenant-id', tenant, '--run-id', runId, '--json'], env);
    return { code: result.code, ...jsonOf<Proof>(result) };
  };
  const verifyAll = async (env: NodeJS.ProcessEnv, tenant: string) => {
    const result = await runCli('aos-int', ['verify-all', '--tenant-id', tenant, '--json'], env);
    return { code: result.code, ...jsonOf<Summary>(result) };
  };
  const unknownKey = (keyId: string) =>
    `the seal is signed by key ${keyId}, which is not among the known public keys`;

  describe('aos run refuses a signing key its key set does not hold, before anything is written', () => {
    const TENANT = 'tenant-key-set-refused';
    let agentId: string;
    beforeAll(async () => {
      agentId = await registerAgent(dbEnv, TENANT, echoSteps);
    });

    it.each([
      [
        'the signing key was replaced by another (its public key is not in public-keys/)',
        async (env: NodeJS.ProcessEnv) => {
          const other = await withSigningKey(dbEnv);
          await copyFile(
            join(other.AOS_KEYS_DIR ?? '', 'signing-key.pem'),
            join(env.AOS_KEYS_DIR ?? '', 'signing-key.pem'),
          );
          return keyIdOf(other);
        },
      ],
      [
        "the signing key's public key record was removed",
        async (env: NodeJS.ProcessEnv) => {
          const keyId = await keyIdOf(env);
          await rm(join(env.AOS_KEYS_DIR ?? '', 'public-keys', `${keyId}.json`));
          return keyId;
        },
      ],
    ])('%s: exit 4, sealing_key_not_in_key_set', async (_case, prepare) => {
      const env = await withSigningKey(dbEnv);
      const keyId = await prepare(env);
      const before = await tableCounts(db.pool);
      const refused = await runCli(
        'aos',
        ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'must not start', '--json'],
        env,
      );
      expect(refused.code, refused.stderr).toBe(4);
      expect(jsonOf<{ error: { code: string } }>(refused).error.code).toBe('sealing_key_not_in_key_set');
      expect(refused.stderr).toContain(`(key ${keyId}) is not in the key set`);
      expect(refused.stderr).toContain('nothing was written');
      expect(await tableCounts(db.pool)).toEqual(before);
    });
  });

  describe('a tenant whose runs were sealed under two key directories', () => {
    const TENANT = 'tenant-key-set-two';
    let first: NodeJS.ProcessEnv;
    let second: NodeJS.ProcessEnv;
    let runs: { first: string; second: string };
    let keys: { first: string; second: string };

    beforeAll(async () => {
      first = await withSigningKey(dbEnv);
      second = await withSigningKey(dbEnv);
      const agentId = await registerAgent(dbEnv, TENANT, echoSteps);
      runs = {
        first: await sealedRun(first, TENANT, agentId),
        second: await sealedRun(second, TENANT, agentId),
      };
      keys = { first: await keyIdOf(first), second: await keyIdOf(second) };
    });

    it('verify-all fails only the run sealed under a key this key set does not hold, as aos proof does', async () => {
      for (const [env, own, foreign] of [
        [first, 'first', 'second'],
        [second, 'second', 'first'],
      ] as const) {
        const swept = await verifyAll(env, TENANT);
        expect(swept.code).toBe(1);
        expect(swept).toMatchObject({ runs: 2, verified: 1, failed: 1 });
        expect(swept.failed_runs).toEqual([
          expect.objectContaining({ run_id: runs[foreign], reason: unknownKey(keys[foreign]) }),
        ]);
        expect(JSON.stringify(swept.failed_runs)).not.toContain('damaged');

        const verified = await prove(env, TENANT, runs[own]);
        expect(verified.code).toBe(0);
        expect(verified.integrity.verification_status).toBe('VERIFIED');
        const failed = await prove(env, TENANT, runs[foreign]);
        expect(failed.code).toBe(1);
        expect(failed.integrity.failure_reason).toBe(unknownKey(keys[foreign]));
      }
    });
  });

  describe('damage stays damage', () => {
    it('a seal whose signature no longer verifies fails every run of the tenant', async () => {
      const tenant = 'tenant-key-set-bad-signature';
      const env = await withSigningKey(dbEnv);
      const agentId = await registerAgent(dbEnv, tenant, echoSteps);
      const ids = [await sealedRun(env, tenant, agentId), await sealedRun(env, tenant, agentId)];
      const [seal0, seal1] = (
        await db.pool.query<{ data: string }>(
          'SELECT data FROM aos_events WHERE stream_id = $1 ORDER BY seq',
          [`aos-ledger-${tenant}`],
        )
      ).rows.map((r) => JSON.parse(r.data) as { signature: string });
      // Seal 0 given seal 1's signature: a valid signature, of another checkpoint.
      const altered = { ...seal0, signature: seal1?.signature };
      await tamper(db.pool, 'UPDATE aos_events SET data = $1 WHERE stream_id = $2 AND seq = 0', [
        canonicalJson(altered as JsonValue),
        `aos-ledger-${tenant}`,
      ]);
      const swept = await verifyAll(env, tenant);
      expect(swept).toMatchObject({ code: 1, runs: 2, failed: 2 });
      expect(swept.failed_runs.map((f) => f.run_id).sort()).toEqual([...ids].sort());
      for (const failure of swept.failed_runs)
        expect(failure.reason).toBe(
          'the tenant ledger is damaged at index 0: the seal signature does not verify: the checkpoint or its signature was altered',
        );
    });

    it('a second seal of a run, under a key no one knows, fails every run of the tenant', async () => {
      const tenant = 'tenant-key-set-second-seal';
      const env = await withSigningKey(dbEnv);
      const stranger = await withSigningKey(dbEnv);
      const agentId = await registerAgent(dbEnv, tenant, echoSteps);
      const ids = [await sealedRun(env, tenant, agentId), await sealedRun(env, tenant, agentId)];
      const ledger = `aos-ledger-${tenant}`;
      const { rows } = await db.pool.query<{ data: string }>(
        'SELECT data FROM aos_events WHERE stream_id = $1 AND seq = 0',
        [ledger],
      );
      const { checkpoint } = JSON.parse(rows[0]?.data ?? '{}') as { checkpoint: RunCheckpoint };
      const strangerId = await keyIdOf(stranger);
      const forged: RunCheckpoint = { ...checkpoint, key_id: strangerId };
      const key = createPrivateKey(
        await readFile(join(stranger.AOS_KEYS_DIR ?? '', 'signing-key.pem'), 'utf8'),
      );
      const data = {
        checkpoint: forged,
        signature: sign(null, checkpointBytes(forged), key).toString('base64'),
      };
      // Only someone who drops the store's one-seal-per-run index can append this.
      await tamper(db.pool, 'DROP INDEX aos_events_one_seal_per_run');
      await tamper(
        db.pool,
        `INSERT INTO aos_events (stream_id, tenant_id, seq, type, data, recorded_at, link)
         VALUES ($1, $2, 2, 'RunSealed', $3, $4, NULL)`,
        [ledger, tenant, canonicalJson(data as JsonValue), forged.sealed_at],
      );
      const swept = await verifyAll(env, tenant);
      expect(swept).toMatchObject({ code: 1, runs: 2, failed: 2 });
      expect(swept.failed_runs.map((f) => f.run_id).sort()).toEqual([...ids].sort());
      for (const failure of swept.failed_runs)
        expect(failure.reason).toBe(
          `the tenant ledger is damaged at index 2: ${unknownKey(strangerId)}, and it is a second seal of run ${checkpoint.run_id}, which no proof checks`,
        );
    });
  });
});
