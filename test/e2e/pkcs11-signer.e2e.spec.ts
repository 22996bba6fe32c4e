import { createPublicKey, verify } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tableCounts, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import {
  softHsmToken,
  softhsmMissing,
  SOFTHSM2_MODULE,
  type SoftHsmToken,
} from '../support/softhsm-token.js';

const TENANT = 'tenant-pkcs11';
const missing = softhsmMissing();

type KeyRecord = { key_id: string; algorithm: string; public_key: string; retired_at: string | null };
type Verdict = {
  key_trust: string;
  seal: { status: string; key_id: string | null };
  integrity: { verification_status: string };
};

/** Every file under a directory, with its path. */
const filesUnder = async (directory: string): Promise<string[]> => {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
};

/** Checks a signed note's one signature with the raw Ed25519 key, as an auditor with nothing but
 * node:crypto would (C2SP signed-note: 4-byte key hash, then the 64-byte signature of the body). */
const noteVerifies = (note: string, raw: Buffer): boolean => {
  const split = note.lastIndexOf('\n\n');
  const body = note.slice(0, split + 1);
  const signature = Buffer.from(
    note
      .slice(split + 2)
      .trim()
      .split(' ')
      .at(-1) ?? '',
    'base64',
  ).subarray(4);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return verify(
    null,
    Buffer.from(body),
    createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    signature,
  );
};

/** Issue 18 part 3: with AOS_SIGNER=pkcs11 the seal key lives in a PKCS#11 token (SoftHSM2 here,
 * Ed25519 through CKM_EDDSA) and never in a file; the file signer stays the default. */
describe.skipIf(missing !== null)(
  `PKCS#11 signer (SoftHSM2)${missing === null ? '' : ` — skipped: ${missing}`}`,
  () => {
    let db: TestDatabase;
    let token: SoftHsmToken;
    let env: NodeJS.ProcessEnv;
    let home: string;
    let agentId: string;

    beforeAll(async () => {
      db = await freshDatabase();
      token = await softHsmToken();
      home = await mkdtemp(join(tmpdir(), 'aos-pkcs11-home-'));
      env = { DATABASE_URL: db.url, AOS_HOME: home, ...token.env };
      agentId = await registerAgent({ DATABASE_URL: db.url }, TENANT, echoSteps);
    });
    afterAll(async () => db.drop());

    const keysInit = async () => {
      const created = await runCli('aos-int', ['keys', 'init', '--json'], env);
      expect(created.code, created.stderr).toBe(0);
      return jsonOf<{ created: boolean; active: KeyRecord; directory: string }>(created);
    };

    it('keys init generates the key pair in the token and writes only its public key record', async () => {
      const first = await keysInit();
      expect(first).toMatchObject({ created: true, directory: join(home, 'keys') });
      expect(first.active).toMatchObject({ algorithm: 'Ed25519', retired_at: null });
      // Again: the token's key is found, not replaced, and registered once.
      const again = await keysInit();
      expect(again).toMatchObject({ created: false, active: first.active });
      const files = await filesUnder(home);
      expect(files).toEqual([join(home, 'keys', 'public-keys', `${first.active.key_id}.json`)]);

      // In the token: the private key is sensitive and not extractable; its value cannot be read.
      process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
      const module = new pkcs11js.PKCS11();
      module.load(SOFTHSM2_MODULE);
      module.C_Initialize();
      try {
        const [slot] = module
          .C_GetSlotList(true)
          .filter((s) => module.C_GetTokenInfo(s).label.trim() === token.tokenLabel);
        const session = module.C_OpenSession(slot as Buffer, pkcs11js.CKF_SERIAL_SESSION);
        module.C_Login(session, pkcs11js.CKU_USER, token.pin);
        module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
        const keys = module.C_FindObjects(session, 10);
        module.C_FindObjectsFinal(session);
        expect(keys).toHaveLength(1);
        const [sensitive, extractable] = module.C_GetAttributeValue(session, keys[0] as Buffer, [
          { type: pkcs11js.CKA_SENSITIVE },
          { type: pkcs11js.CKA_EXTRACTABLE },
        ]);
        expect([sensitive?.value[0], extractable?.value[0]]).toEqual([1, 0]);
        expect(() =>
          module.C_GetAttributeValue(session, keys[0] as Buffer, [{ type: pkcs11js.CKA_VALUE }]),
        ).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      } finally {
        module.C_Finalize();
      }
    });

    it('a run sealed with the token key verifies offline with its exported public key; no private key file exists', async () => {
      const { active } = await keysInit();
      const run = await runGoal(env, TENANT, agentId);
      expect(run.result.code, run.result.stderr).toBe(0);

      const exported = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', run.run_id], env);
      expect(exported.code, exported.stderr).toBe(0);
      const auditor = await mkdtemp(join(tmpdir(), 'aos-pkcs11-auditor-'));
      const publicKey = await runCli('aos-int', ['keys', 'public'], env);
      expect(publicKey.code, publicKey.stderr).toBe(0);
      expect(JSON.parse(publicKey.stdout)).toEqual(active);
      await writeFile(join(auditor, 'bundle.json'), exported.stdout);
      await writeFile(join(auditor, 'token-key.json'), publicKey.stdout);

      // The auditor's own (empty) key set: the verdict rests on the exported key alone.
      const verdict = await runCli(
        'aos',
        ['verify', join(auditor, 'bundle.json'), '--public-key', join(auditor, 'token-key.json'), '--json'],
        { AOS_KEYS_DIR: join(auditor, 'no-keys') },
      );
      expect(verdict.code, verdict.stderr).toBe(0);
      expect(jsonOf<Verdict>(verdict)).toMatchObject({
        key_trust: 'pinned',
        seal: { status: 'sealed', key_id: active.key_id },
        integrity: { verification_status: 'VERIFIED' },
      });

      // The ledger's signed tree head is the token's signature too.
      const head = await runCli('aos', ['ledger', 'head', '--tenant-id', TENANT, '--json'], env);
      expect(head.code, head.stderr).toBe(0);
      const { note, key_id } = jsonOf<{ note: string; key_id: string }>(head);
      expect(key_id).toBe(active.key_id);
      expect(noteVerifies(note, Buffer.from(active.public_key, 'base64'))).toBe(true);
      await writeFile(join(auditor, 'head.note'), note);
      const checked = await runCli('aos', ['verify', join(auditor, 'head.note'), '--json'], env);
      expect(checked.code, checked.stderr).toBe(0);

      // No private key anywhere in AOS_HOME: no signing-key.pem, no PEM private key of any kind.
      for (const file of await filesUnder(home)) {
        expect(file).not.toMatch(/signing-key\.pem/);
        expect(await readFile(file, 'utf8').catch(() => ''), file).not.toMatch(/PRIVATE KEY/);
      }
    });

    it.each([
      ['a wrong PIN', { AOS_PKCS11_PIN: '999999' }, 'pkcs11_pin_incorrect', /PIN .* is incorrect/],
      [
        'an unknown token',
        { AOS_PKCS11_TOKEN_LABEL: 'no-such-token' },
        'pkcs11_token_not_found',
        /no PKCS#11 token labelled "no-such-token"/,
      ],
      [
        'an unknown key label',
        { AOS_PKCS11_KEY_LABEL: 'no-such-key' },
        'pkcs11_key_not_found',
        /no key labelled "no-such-key"/,
      ],
      [
        'a module that is not there',
        { AOS_PKCS11_MODULE: '/nonexistent/libpkcs11.so' },
        'pkcs11_module_unloadable',
        /cannot be loaded/,
      ],
    ])(
      'refuses aos run with %s: exit 4, a clear message, nothing written',
      async (_case, change, code, message) => {
        await keysInit();
        const before = await tableCounts(db.pool);
        const refused = await runCli(
          'aos',
          ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'must not start', '--json'],
          { ...env, ...change },
        );
        expect(refused.code).toBe(4);
        expect(jsonOf<{ error: { code: string } }>(refused).error.code).toBe(code);
        expect(refused.stderr).toMatch(message);
        expect(refused.stderr).toContain('nothing was written');
        expect(refused.stderr).not.toContain(token.pin);
        expect(await tableCounts(db.pool)).toEqual(before);
      },
    );

    it('reads the PIN from AOS_PKCS11_PIN_FILE, refusing a file others may read (exit 2, nothing written)', async () => {
      const { active } = await keysInit();
      const directory = await mkdtemp(join(tmpdir(), 'aos-pkcs11-pin-'));
      const pinFile = join(directory, 'token.pin');
      await writeFile(pinFile, `${token.pin}\n`, { mode: 0o600 });
      const fromFile = { ...env, AOS_PKCS11_PIN: '', AOS_PKCS11_PIN_FILE: pinFile };
      const listed = await runCli('aos-int', ['keys', 'public', '--json'], fromFile);
      expect(listed.code, listed.stderr).toBe(0);
      expect(jsonOf<KeyRecord>(listed)).toEqual(active);

      await chmod(pinFile, 0o644);
      const before = await tableCounts(db.pool);
      const refused = await runCli(
        'aos',
        ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'must not start', '--json'],
        fromFile,
      );
      expect(refused.code).toBe(2);
      expect(jsonOf<{ error: { field: string } }>(refused).error.field).toBe('AOS_PKCS11_PIN_FILE');
      expect(refused.stderr).toContain('chmod 600');
      expect(await tableCounts(db.pool)).toEqual(before);
    });

    it("keys public prints the file signer's record too (the default signer is unchanged)", async () => {
      const keysEnv = await withSigningKey({ DATABASE_URL: db.url });
      const printed = await runCli('aos-int', ['keys', 'public'], keysEnv);
      expect(printed.code, printed.stderr).toBe(0);
      const record = JSON.parse(printed.stdout) as KeyRecord;
      const kept = await readFile(
        join(keysEnv.AOS_KEYS_DIR ?? '', 'public-keys', `${record.key_id}.json`),
        'utf8',
      );
      expect(record).toEqual(JSON.parse(kept));
    });

    it.each([
      ['an unknown signer', { AOS_SIGNER: 'hsm' }, 'AOS_SIGNER'],
      ['no PIN', { AOS_PKCS11_PIN: '' }, 'AOS_PKCS11_PIN'],
      ['no key label', { AOS_PKCS11_KEY_LABEL: '' }, 'AOS_PKCS11_KEY_LABEL'],
    ])(
      'refuses a configuration with %s: exit 2 naming the variable, nothing written',
      async (_case, change, variable) => {
        const before = await tableCounts(db.pool);
        const refused = await runCli(
          'aos',
          ['run', '--tenant-id', TENANT, '--agent-id', agentId, '--goal', 'must not start', '--json'],
          { ...env, ...change },
        );
        expect(refused.code).toBe(2);
        expect(jsonOf<{ error: { field: string } }>(refused).error.field).toBe(variable);
        expect(await tableCounts(db.pool)).toEqual(before);
      },
    );
  },
);
