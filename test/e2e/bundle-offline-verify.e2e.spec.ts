import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { withSigningKey } from '../support/cli-fixtures.js';
import { CHAIN_LENGTH, TENANT, exportedBundle } from './support/exported-bundle-fixture.js';

/** `aos verify` of an exported bundle with no database: VERIFIED as `aos proof` says, pinned to the
 * sealing key or refusing another, and a missing or unreadable file refused as a usage error. */
describe('aos export → aos verify bundle.json, offline', () => {
  const sealed = exportedBundle();
  const { env, offline, bundle, bundleFile, verify, proofOf } = sealed;

  it('with no key given fails, exit 1, naming the key the bundle carries', async () => {
    const verdict = await verify(await bundleFile('bundle.json', sealed.exported));
    expect(verdict.code, verdict.stderr).toBe(1);
    expect(verdict).toMatchObject({ key_trust: 'pinned', seal: { status: 'not_completed' } });
    expect(verdict.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'bundle', field: 'public_keys', actual: sealed.keyId },
    });
    expect(verdict.integrity.failure_reason).toContain(`signed by key ${sealed.keyId}`);
    const text = await runCli('aos', ['verify', join(sealed.directory, 'bundle.json')], offline);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('--trust-embedded-key');
  });

  it('trusts the keys of AOS_KEYS_DIR/public-keys and of --trusted-keys DIR, not both with --trust-embedded-key', async () => {
    const file = join(sealed.directory, 'bundle.json');
    const own = await runCli('aos', ['verify', file, '--json'], {
      ...offline,
      AOS_KEYS_DIR: env.AOS_KEYS_DIR,
    });
    expect(own.code, own.stderr).toBe(0);
    const publicKeys = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    const directory = await verify(file, ['--trusted-keys', publicKeys]);
    expect(directory.code, directory.stderr).toBe(0);
    expect(directory).toMatchObject({ key_trust: 'pinned', integrity: { verification_status: 'VERIFIED' } });
    const both = await verify(file, ['--trusted-keys', publicKeys, '--trust-embedded-key']);
    expect(both.code).toBe(2);
  });

  it('verifies with no database and --trust-embedded-key: VERIFIED, with the chain, roots and seal of aos proof', async () => {
    const proof = await proofOf();
    expect(proof.seal).toMatchObject({ status: 'sealed', key_id: sealed.keyId, ledger_index: 1 });
    const verdict = await verify(await bundleFile('bundle.json', sealed.exported), ['--trust-embedded-key']);
    expect(verdict.code, verdict.stderr).toBe(0);
    expect(verdict).toMatchObject({
      kind: 'bundle',
      tenant_id: TENANT,
      run_id: sealed.runId,
      key_trust: 'embedded',
      seal: proof.seal,
    });
    expect(verdict.integrity).toEqual({ ...proof.integrity, model: 'HASH_CHAIN' });
    expect(verdict.integrity).toMatchObject({
      verification_status: 'VERIFIED',
      chain_length: CHAIN_LENGTH,
      root_hash: bundle.checkpoint.root_hash,
    });
    expect(bundle.ledger).toMatchObject({ leaf_index: 1, tree_size: 3 });
    expect(offline.DATABASE_URL).toBeUndefined();
    expect(await readdir(offline.AOS_HOME ?? '')).toEqual([]);
  });

  it('verifies pinned to the sealing key, given as its key record or as base64, and names another key', async () => {
    const listed = jsonOf<{ keys: Array<{ key_id: string; public_key: string }> }>(
      await runCli('aos-int', ['keys', 'list', '--json'], env),
    );
    expect(listed.keys.map((k) => k.key_id)).toEqual([sealed.keyId]);
    const file = await bundleFile('pinned.json', sealed.exported);
    const base64File = await bundleFile('key.b64', `${listed.keys[0]?.public_key}\n`);
    for (const trusted of [sealed.keyFile, base64File]) {
      const pinned = await verify(file, ['--public-key', trusted]);
      expect(pinned.code, pinned.stderr).toBe(0);
      expect(pinned).toMatchObject({
        key_trust: 'pinned',
        seal: { status: 'sealed', key_id: sealed.keyId },
        integrity: { verification_status: 'VERIFIED' },
      });
    }

    const other = await withSigningKey({});
    const otherDirectory = join(other.AOS_KEYS_DIR ?? '', 'public-keys');
    const [otherName] = await readdir(otherDirectory);
    const otherId = (
      JSON.parse(await readFile(join(otherDirectory, otherName ?? ''), 'utf8')) as { key_id: string }
    ).key_id;
    expect(otherId).not.toBe(sealed.keyId);
    const refused = await verify(file, ['--public-key', join(otherDirectory, otherName ?? '')]);
    expect(refused.code).toBe(1);
    expect(refused.integrity).toMatchObject({
      verification_status: 'FAILED',
      failure_reason: 'the trusted public key is not the key of this bundle',
    });
    expect(refused.integrity.divergence).toEqual({
      source: 'bundle',
      seq: null,
      field: 'public_keys',
      expected: otherId,
      actual: sealed.keyId,
    });
  });

  it('refuses a missing, a truncated or a non-JSON file as a usage error (exit 2)', async () => {
    const missing = await runCli(
      'aos',
      ['verify', join(sealed.directory, 'no-such-bundle.json'), '--json'],
      offline,
    );
    expect(missing.code).toBe(2);
    expect(jsonOf<{ error: { code: string; field: string; message: string } }>(missing).error).toMatchObject({
      code: 'invalid_input',
      field: 'file',
      message: expect.stringContaining('ENOENT'),
    });

    // Neither is a bundle or a tree head: no verdict about either, the byte where JSON broke off.
    const half = sealed.exported.slice(0, sealed.exported.length / 2);
    for (const [name, text] of [
      ['truncated.json', half],
      ['prose.txt', 'this is not a bundle\n'],
    ] as const) {
      const refused = await runCli('aos', ['verify', await bundleFile(name, text), '--json'], offline);
      expect(refused.code).toBe(2);
      expect(
        jsonOf<{ error: { code: string; field: string; message: string } }>(refused).error,
      ).toMatchObject({
        code: 'invalid_input',
        field: 'file',
        message: expect.stringMatching(/is neither a bundle nor a tree head \(invalid JSON at byte \d+\)$/),
      });
    }
    expect(await readdir(offline.AOS_HOME ?? '')).toEqual([]);
  });
});
