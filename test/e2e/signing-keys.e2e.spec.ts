import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const TENANT = 'tenant-keys';
const KEY_ID = /^[0-9a-f]{16}$/;

type KeyRecord = {
  key_id: string;
  algorithm: string;
  public_key: string;
  created_at: string;
  retired_at: string | null;
  active: boolean;
};
type ProofJson = {
  integrity: {
    verification_status: string;
    divergence: {
      source: string;
      seq: number | null;
      field: string;
      expected: unknown;
      actual: unknown;
    } | null;
  };
  seal: { status: string; key_id: string | null; ledger_index: number | null };
};

/** The Ed25519 keys that seal runs: where they live, what `aos run` does without them, rotation. */
describe('signing keys (aos-int keys) and the seal', () => {
  let db: TestDatabase;
  let dbEnv: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    dbEnv = { DATABASE_URL: db.url };
    agentId = await registerAgent(dbEnv, TENANT, echoSteps);
  });
  afterAll(async () => db.drop());

  const keysDir = (env: NodeJS.ProcessEnv) => env.AOS_KEYS_DIR ?? '';
  const listKeys = async (env: NodeJS.ProcessEnv) => {
    const listed = await runCli('aos-int', ['keys', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    return jsonOf<{ directory: string; keys: KeyRecord[] }>(listed);
  };
  const prove = async (env: NodeJS.ProcessEnv, runId: string) => {
    const result = await runCli('aos', ['proof', '--tenant-id', TENANT, '--run-id', runId, '--json'], env);
    return { code: result.code, ...jsonOf<ProofJson>(result) };
  };
  const sealedRun = async (env: NodeJS.ProcessEnv) => {
    const run = await runGoal(env, TENANT, agentId);
    expect(run.result.code, run.result.stderr).toBe(0);
    const proof = await prove(env, run.run_id);
    expect(proof.code).toBe(0);
    expect(proof.integrity.verification_status).toBe('VERIFIED');
    expect(proof.seal).toMatchObject({ status: 'sealed', key_id: expect.stringMatching(KEY_ID) });
    return { runId: run.run_id, keyId: proof.seal.key_id };
  };

  it('keys init writes the private key with mode 0600 and keys list shows its 16-hex key_id', async () => {
    const env = await withSigningKey(dbEnv);
    const mode = (await stat(join(keysDir(env), 'signing-key.pem'))).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
    const listed = await listKeys(env);
    expect(listed.keys).toEqual([
      expect.objectContaining({
        key_id: expect.stringMatching(KEY_ID),
        algorithm: 'Ed25519',
        retired_at: null,
        active: true,
      }),
    ]);
    // RUNPROOF: key_id = first 16 hex digits of H(raw 32-byte public key).
    const raw = Buffer.from(listed.keys[0]?.public_key ?? '', 'base64');
    expect(raw).toHaveLength(32);
    expect(listed.keys[0]?.key_id).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
  });

  it('refuses a second keys init and keeps the existing key', async () => {
    const env = await withSigningKey(dbEnv);
    const pem = await readFile(join(keysDir(env), 'signing-key.pem'), 'utf8');
    const before = await listKeys(env);
    const again = await runCli('aos-int', ['keys', 'init', '--json'], env);
    expect(again.code).toBe(1);
    expect(jsonOf<{ error: { code: string } }>(again).error.code).toBe('key_exists');
    expect(again.stderr).toContain('keys rotate');
    expect(await readFile(join(keysDir(env), 'signing-key.pem'), 'utf8')).toBe(pem);
    expect(await listKeys(env)).toEqual(before);
  });

  it.each([
    [
      'no signing key (empty AOS_KEYS_DIR)',
      'no_signing_key',
      /keys init/,
      async (_directory: string) => undefined,
    ],
    [
      'an unreadable signing key (garbage PEM)',
      'signing_key_unreadable',
      /unreadable/,
      async (directory: string) =>
        writeFile(join(directory, 'signing-key.pem'), 'not a key\n', { mode: 0o600 }),
    ],
  ])('refuses aos run with %s: exit 4, nothing written', async (_case, code, message, prepare) => {
    const directory = await mkdtemp(join(tmpdir(), 'aos-keys-bad-'));
    await prepare(directory);
    const before = await tableCounts(db.pool);
    const refused = await runCli(
      'aos',
      ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'must not start', '--json'],
      { ...dbEnv, AOS_KEYS_DIR: directory },
    );
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(message);
    expect(refused.stderr).toContain('nothing was written');
    expect(jsonOf<{ error: { code: string } }>(refused).error.code).toBe(code);
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  it('offers a way out of an unreadable private key: list says so (exit 4), rotate --replace-unreadable moves it aside and makes a new key', async () => {
    const env = await withSigningKey(dbEnv);
    const { runId, keyId } = await sealedRun(env);
    const keyFile = join(keysDir(env), 'signing-key.pem');
    await writeFile(keyFile, 'not a key\n');
    const listed = await runCli('aos-int', ['keys', 'list', '--json'], env);
    expect(listed.code).toBe(4);
    expect(listed.stderr).toContain('keys rotate --replace-unreadable');
    const plain = await runCli('aos-int', ['keys', 'rotate', '--json'], env);
    expect(plain.code).toBe(4);
    expect(await readFile(keyFile, 'utf8')).toBe('not a key\n');

    const replaced = await runCli('aos-int', ['keys', 'rotate', '--replace-unreadable', '--json'], env);
    expect(replaced.code, replaced.stderr).toBe(0);
    const rotated = jsonOf<{ active: KeyRecord; retired: KeyRecord | null }>(replaced);
    expect(rotated.retired).toMatchObject({ key_id: keyId, retired_at: expect.any(String) });
    expect(rotated.active.key_id).not.toBe(keyId);
    const kept = (await readdir(keysDir(env))).filter((name) =>
      name.startsWith('signing-key.pem.unreadable-'),
    );
    expect(kept).toHaveLength(1);
    expect(await readFile(join(keysDir(env), kept[0] ?? ''), 'utf8')).toBe('not a key\n');
    expect((await listKeys(env)).keys.map((k) => [k.key_id, k.active])).toEqual(
      expect.arrayContaining([
        [keyId, false],
        [rotated.active.key_id, true],
      ]),
    );
    // The old seal still verifies with the kept public key; new runs are sealed with the new key.
    expect((await prove(env, runId)).seal).toMatchObject({ status: 'sealed', key_id: keyId });
    expect((await sealedRun(env)).keyId).toBe(rotated.active.key_id);
  });

  it('after keys rotate, old seals still verify and new runs are sealed with the new key', async () => {
    const env = await withSigningKey(dbEnv);
    const old = await sealedRun(env);

    const rotated = await runCli('aos-int', ['keys', 'rotate', '--json'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const { retired, active } = jsonOf<{ retired: KeyRecord; active: KeyRecord }>(rotated);
    expect(retired).toMatchObject({ key_id: old.keyId, retired_at: expect.any(String) });
    expect(active.key_id).toMatch(KEY_ID);
    expect(active.key_id).not.toBe(old.keyId);
    const listed = await listKeys(env);
    expect(listed.keys.map((k) => [k.key_id, k.active])).toEqual(
      expect.arrayContaining([
        [old.keyId, false],
        [active.key_id, true],
      ]),
    );
    expect(listed.keys).toHaveLength(2);

    const oldProof = await prove(env, old.runId);
    expect(oldProof.code).toBe(0);
    expect(oldProof.integrity.verification_status).toBe('VERIFIED');
    expect(oldProof.seal).toMatchObject({ status: 'sealed', key_id: old.keyId });

    const fresh = await sealedRun(env);
    expect(fresh.keyId).toBe(active.key_id);
    expect(fresh.keyId).not.toBe(old.keyId);
  });

  it.each([
    ['holds only another key', async () => withSigningKey(dbEnv)],
    [
      'holds no key at all',
      async () => ({ ...dbEnv, AOS_KEYS_DIR: await mkdtemp(join(tmpdir(), 'aos-keys-empty-')) }),
    ],
  ])("fails the proof when AOS_KEYS_DIR %s: the seal's key is unknown", async (_case, verifierEnv) => {
    const sealer = await withSigningKey(dbEnv);
    const { runId, keyId } = await sealedRun(sealer);
    const proof = await prove(await verifierEnv(), runId);
    expect(proof.code).toBe(1);
    expect(proof.integrity.verification_status).toBe('FAILED');
    expect(proof.integrity.divergence).toEqual({
      source: 'checkpoint',
      seq: null,
      field: 'checkpoint.key_id',
      expected: 'a known key',
      actual: keyId,
    });
  });
});
