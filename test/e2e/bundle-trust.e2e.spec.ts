import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { rfcLeafHash, rfcMerkleTreeHash } from '../support/independent-rfc9162.js';

/**
 * What `aos verify bundle.json --public-key K` vouches for: that key K sealed the run. Forged
 * bundles (events rewritten with every link recomputed, as anyone can) and bundles of runs sealed
 * before a key rotation, through the real CLI.
 */
const TENANT = 'tenant-trust';

type Divergence = { source: string; seq: number | null; field: string; expected: unknown; actual: unknown };
type Verdict = {
  key_trust: string;
  seal: { status: string; key_id: string | null };
  integrity: { verification_status: string; divergence: Divergence | null };
};
type BundleEvent = {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  recorded_at: string;
  link: string;
};
type Bundle = {
  tenant_id: string;
  run_id: string;
  events: BundleEvent[];
  integrity: { root_hash: string; merkle_root: string; chain_length: number };
  checkpoint: { key_id: string } | null;
  signature: string | null;
  ledger: unknown;
  public_keys: Array<{ key_id: string }>;
};

const sha256 = (...parts: Buffer[]): Buffer =>
  parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
const jcs = (value: unknown): Buffer => Buffer.from(canonicalize(value) ?? '', 'utf8');

/** RUNPROOF's links and roots recomputed for edited events, the way a forger would (no key needed). */
const relink = (bundle: Bundle): void => {
  let link = sha256(
    Buffer.from('aos.runproof.v1.genesis', 'utf8'),
    Buffer.of(0),
    jcs({ run_id: bundle.run_id, tenant_id: bundle.tenant_id }),
  );
  const leaves = bundle.events.map((e) => {
    const leaf = rfcLeafHash(
      jcs({
        v: 1,
        tenant_id: bundle.tenant_id,
        run_id: bundle.run_id,
        seq: e.seq,
        type: e.type,
        data: e.data,
        recorded_at: e.recorded_at,
      }),
    );
    link = sha256(Buffer.of(1), link, leaf);
    e.link = link.toString('hex');
    return leaf;
  });
  bundle.integrity = {
    ...bundle.integrity,
    chain_length: leaves.length,
    root_hash: link.toString('hex'),
    merkle_root: rfcMerkleTreeHash(leaves).toString('hex'),
  };
};

describe('aos verify --public-key: what a pinned key vouches for', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let directory: string;
  let agentId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    directory = await mkdtemp(join(tmpdir(), 'aos-trust-'));
    agentId = await registerAgent(env, TENANT, echoSteps);
  });
  afterAll(async () => db.drop());

  const exportRun = async (keysEnv: NodeJS.ProcessEnv, runId: string): Promise<Bundle> => {
    const result = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', runId], keysEnv);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Bundle;
  };
  const sealedRun = async (keysEnv: NodeJS.ProcessEnv): Promise<string> => {
    const run = await runGoal(keysEnv, TENANT, agentId, 'the real goal');
    expect(run.result.code, run.result.stderr).toBe(0);
    return run.run_id;
  };
  const keyFile = (keysEnv: NodeJS.ProcessEnv, keyId: string) =>
    join(keysEnv.AOS_KEYS_DIR ?? '', 'public-keys', `${keyId}.json`);
  const verify = async (bundle: Bundle, name: string, keyFiles: string[], extra: string[] = []) => {
    const file = join(directory, name);
    await writeFile(file, JSON.stringify(bundle, null, 2));
    const result = await runCli(
      'aos',
      ['verify', file, '--json', ...keyFiles.flatMap((k) => ['--public-key', k]), ...extra],
      {},
    );
    return { code: result.code, stderr: result.stderr, ...jsonOf<Verdict>(result) };
  };

  describe('a forged bundle: RunCreated.goal rewritten, links and roots recomputed', () => {
    let original: Bundle;
    let pinned: string;
    const forge = (keepSeal: boolean): Bundle => {
      const forged = JSON.parse(JSON.stringify(original)) as Bundle;
      forged.events[0]!.data.goal = 'a goal the tenant never gave';
      relink(forged);
      if (!keepSeal) Object.assign(forged, { checkpoint: null, signature: null, ledger: null });
      return forged;
    };

    beforeAll(async () => {
      original = await exportRun(env, await sealedRun(env));
      pinned = keyFile(env, original.checkpoint?.key_id ?? '');
      expect((await verify(original, 'original.json', [pinned])).code).toBe(0);
    });

    it('is FAILED when it keeps the seal: the sealed root names the rewrite', async () => {
      const verdict = await verify(forge(true), 'forged-sealed.json', [pinned]);
      expect(verdict.code).toBe(1);
      expect(verdict.integrity.divergence).toMatchObject({
        source: 'checkpoint',
        field: 'root_hash',
        expected: original.integrity.root_hash,
      });
    });

    // A completed run's bundle without its seal is a forgery: anyone can recompute the chain.
    it('is UNSEALED, exit 1, naming the missing checkpoint, once the seal is simply removed', async () => {
      const verdict = await verify(forge(false), 'forged-unsealed.json', [pinned]);
      expect(verdict.integrity.verification_status).toBe('UNSEALED');
      expect(verdict.code).toBe(1);
      expect(verdict.integrity.divergence).toMatchObject({ source: 'checkpoint', field: 'checkpoint' });
    });
  });

  describe('a run sealed before aos-int keys rotate', () => {
    let keysEnv: NodeJS.ProcessEnv;
    let bundle: Bundle;
    let oldKey: string;
    let newKey: string;

    beforeAll(async () => {
      keysEnv = await withSigningKey({ DATABASE_URL: db.url });
      const runId = await sealedRun(keysEnv);
      const rotated = await runCli('aos-int', ['keys', 'rotate', '--json'], keysEnv);
      expect(rotated.code, rotated.stderr).toBe(0);
      const keys = jsonOf<{ retired: { key_id: string }; active: { key_id: string } }>(rotated);
      [oldKey, newKey] = [keys.retired.key_id, keys.active.key_id];
      bundle = await exportRun(keysEnv, runId);
    });

    it('exports the old sealing key and the new tree-head key, and verifies with the keys it carries', async () => {
      expect(bundle.checkpoint?.key_id).toBe(oldKey);
      expect(bundle.public_keys.map((k) => k.key_id).sort()).toEqual([oldKey, newKey].sort());
      expect(JSON.parse(await readFile(keyFile(keysEnv, oldKey), 'utf8'))).toMatchObject({
        key_id: oldKey,
        retired_at: expect.any(String),
      });
      const verdict = await verify(bundle, 'rotated.json', [], ['--trust-embedded-key']);
      expect(verdict.code, verdict.stderr).toBe(0);
      expect(verdict).toMatchObject({ key_trust: 'embedded', seal: { status: 'sealed', key_id: oldKey } });
    });

    it('cannot be verified pinned to either key alone', async () => {
      const [pinnedOld, pinnedNew] = [
        await verify(bundle, 'rotated-old.json', [keyFile(keysEnv, oldKey)]),
        await verify(bundle, 'rotated-new.json', [keyFile(keysEnv, newKey)]),
      ];
      expect(pinnedOld.code).toBe(1);
      expect(pinnedOld.integrity.divergence).toMatchObject({
        source: 'checkpoint',
        field: 'ledger.tree_head',
      });
      expect(pinnedNew.code).toBe(1);
      expect(pinnedNew.integrity.divergence).toMatchObject({
        source: 'checkpoint',
        field: 'checkpoint.key_id',
        actual: oldKey,
      });
    });

    // --public-key is repeatable: the old sealing key and the new tree-head key, both trusted.
    it('verifies pinned to both trusted keys, --public-key given twice', async () => {
      const verdict = await verify(bundle, 'rotated-both.json', [
        keyFile(keysEnv, oldKey),
        keyFile(keysEnv, newKey),
      ]);
      expect(verdict.code, verdict.stderr).toBe(0);
      expect(verdict).toMatchObject({
        key_trust: 'pinned',
        seal: { status: 'sealed', key_id: oldKey },
        integrity: { verification_status: 'VERIFIED' },
      });
    });
  });
});
