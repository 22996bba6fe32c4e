import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, runGoal, withSigningKey } from '../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { fromHexList, rfcLeafHash, rfcVerifyInclusion } from '../support/independent-rfc9162.js';

/**
 * The offline audit path through the real CLI: `aos export` of a sealed run, `aos verify` of the
 * file with no database at all, pinned keys, single-character edits of the file (the exhaustive
 * edit matrix is test/bundle/bundle-tamper.unit.spec.ts; here a representative edit per region
 * proves the CLI reports it), and step disclosure checked by an independent RFC 9162 verifier.
 */
const TENANT = 'tenant-bundle';
const GOAL = 'goal-marker-7f3a';
const MARKERS = ['alpha-marker-0', 'bravo-marker-1', 'charlie-marker-2'];
const STEPS = MARKERS.map((message) => ({ skill: 'echo', params: { message } }));
const CHAIN_LENGTH = 7; // RunCreated, RunPlanned, RunStarted, 3 x StepExecuted, RunCompleted
const FIRST_STEP_SEQ = 3;

type Divergence = { source: string; seq: number | null; field: string; expected: unknown; actual: unknown };
type Integrity = {
  model: string;
  verification_status: string;
  chain_length: number;
  root_hash: string | null;
  merkle_root: string | null;
  failure_reason: string | null;
  divergence: Divergence | null;
};
type Seal = { status: string; key_id: string | null; ledger_index: number | null; sealed_at: string | null };
type Verdict = {
  kind: string;
  tenant_id: string | null;
  run_id: string | null;
  key_trust: string;
  seal: Seal;
  integrity: Integrity;
};
type Bundle = {
  events: Array<{ seq: number; type: string; data: { params?: { message: string } }; link: string }>;
  checkpoint: { root_hash: string; key_id: string };
  signature: string;
  public_keys: Array<{ key_id: string; public_key: string }>;
  ledger: {
    leaf_index: number;
    tree_size: number;
    inclusion_path: string[];
    root_hash: string;
    tree_head: string;
  };
};

/** One character of `text` at `at` replaced by the next one of its alphabet (hex or base64). */
const flipChar = (text: string, at: number): string => {
  const alphabet = /^[0-9a-f]+$/.test(text)
    ? '0123456789abcdef'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const next = alphabet[(alphabet.indexOf(text[at] as string) + 1) % alphabet.length] as string;
  return text.slice(0, at) + next + text.slice(at + 1);
};
const keyIdOf = (base64: string): string =>
  createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex').slice(0, 16);

describe('aos export → aos verify bundle.json, offline', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let directory: string;
  /** No DATABASE_URL, and an AOS_HOME that must stay empty: no embedded database may be started. */
  let offline: NodeJS.ProcessEnv;
  let runId: string;
  let exported: string;
  let bundle: Bundle;
  let keyFile: string;
  let keyId: string;

  const bundleFile = async (name: string, text: string): Promise<string> => {
    const file = join(directory, name);
    await writeFile(file, text);
    return file;
  };
  const verify = async (file: string, extra: string[] = []) => {
    const result = await runCli('aos', ['verify', file, '--json', ...extra], offline);
    return { code: result.code, stderr: result.stderr, ...jsonOf<Verdict>(result) };
  };
  const proofOf = async (extra: string[] = []) => {
    const result = await runCli(
      'aos',
      ['proof', '--tenant-id', TENANT, '--run-id', runId, '--json', ...extra],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<{ integrity: Integrity; seal: Seal }>(result);
  };

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    directory = await mkdtemp(join(tmpdir(), 'aos-bundle-'));
    offline = { AOS_HOME: await mkdtemp(join(tmpdir(), 'aos-home-offline-')) };
    const agentId = await createAgent(env, TENANT, STEPS);
    // The middle of three runs: its seal is ledger leaf 1 of 3, so its inclusion path is not empty.
    const runs = [];
    for (let n = 0; n < 3; n++) runs.push(await runGoal(env, TENANT, agentId, GOAL));
    for (const run of runs) expect(run.result.code, run.result.stderr).toBe(0);
    runId = runs[1]?.run_id ?? '';
    const result = await runCli('aos', ['export', '--tenant-id', TENANT, '--run-id', runId], env);
    expect(result.code, result.stderr).toBe(0);
    exported = result.stdout;
    bundle = JSON.parse(exported) as Bundle;
    const keyDirectory = join(env.AOS_KEYS_DIR ?? '', 'public-keys');
    const [name] = await readdir(keyDirectory);
    keyFile = join(keyDirectory, name ?? '');
    keyId = (JSON.parse(await readFile(keyFile, 'utf8')) as { key_id: string }).key_id;
  });
  afterAll(async () => db.drop());

  it('verifies with no database: VERIFIED, with the chain, roots and seal of aos proof', async () => {
    const proof = await proofOf();
    expect(proof.seal).toMatchObject({ status: 'sealed', key_id: keyId, ledger_index: 1 });
    const verdict = await verify(await bundleFile('bundle.json', exported));
    expect(verdict.code, verdict.stderr).toBe(0);
    expect(verdict).toMatchObject({
      kind: 'bundle',
      tenant_id: TENANT,
      run_id: runId,
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
    expect(listed.keys.map((k) => k.key_id)).toEqual([keyId]);
    const file = await bundleFile('pinned.json', exported);
    const base64File = await bundleFile('key.b64', `${listed.keys[0]?.public_key}\n`);
    for (const trusted of [keyFile, base64File]) {
      const pinned = await verify(file, ['--public-key', trusted]);
      expect(pinned.code, pinned.stderr).toBe(0);
      expect(pinned).toMatchObject({
        key_trust: 'pinned',
        seal: { status: 'sealed', key_id: keyId },
        integrity: { verification_status: 'VERIFIED' },
      });
    }

    const other = await withSigningKey({});
    const otherDirectory = join(other.AOS_KEYS_DIR ?? '', 'public-keys');
    const [otherName] = await readdir(otherDirectory);
    const otherId = (
      JSON.parse(await readFile(join(otherDirectory, otherName ?? ''), 'utf8')) as { key_id: string }
    ).key_id;
    expect(otherId).not.toBe(keyId);
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
      actual: keyId,
    });
  });

  describe('one character edited in the file: exit 1, FAILED, the divergence names the place', () => {
    const noteRootAt = (note: string): number => note.indexOf('\n', note.indexOf('\n') + 1) + 5;
    const cases: Array<[string, (b: Bundle) => void, (b: Bundle) => Divergence | Partial<Divergence>]> = [
      [
        'a hex digit of an event link',
        (b) => {
          b.events[4]!.link = flipChar(b.events[4]!.link, 20);
        },
        (b) => ({
          source: 'event_store',
          seq: 4,
          field: 'link',
          expected: bundle.events[4]!.link,
          actual: b.events[4]!.link,
        }),
      ],
      [
        "a character of an event's data string",
        (b) => {
          b.events[FIRST_STEP_SEQ]!.data.params!.message = MARKERS[0]!.replace('alpha', 'alphb');
        },
        () => ({
          source: 'event_store',
          seq: FIRST_STEP_SEQ,
          field: 'link',
          actual: bundle.events[FIRST_STEP_SEQ]!.link,
        }),
      ],
      [
        'a hex digit of checkpoint.root_hash',
        (b) => {
          b.checkpoint.root_hash = flipChar(b.checkpoint.root_hash, 7);
        },
        () => ({
          source: 'checkpoint',
          seq: null,
          field: 'signature',
          expected: 'valid Ed25519 signature',
          actual: bundle.signature,
        }),
      ],
      [
        'a base64 character of the signature',
        (b) => {
          b.signature = flipChar(b.signature, 10);
        },
        (b) => ({
          source: 'checkpoint',
          seq: null,
          field: 'signature',
          expected: 'valid Ed25519 signature',
          actual: b.signature,
        }),
      ],
      [
        'a base64 character of the public key',
        (b) => {
          b.public_keys[0]!.public_key = flipChar(b.public_keys[0]!.public_key, 10);
        },
        (b) => ({
          source: 'bundle',
          seq: null,
          field: 'public_keys.0.key_id',
          expected: keyIdOf(b.public_keys[0]!.public_key),
          actual: keyId,
        }),
      ],
      [
        'a hex digit of a ledger inclusion_path hash',
        (b) => {
          b.ledger.inclusion_path[1] = flipChar(b.ledger.inclusion_path[1]!, 40);
        },
        () => ({
          source: 'checkpoint',
          seq: null,
          field: 'ledger.inclusion_path',
          expected: bundle.ledger.root_hash,
          actual: 'proof does not reach it',
        }),
      ],
      [
        "a character of the tree head note's root",
        (b) => {
          b.ledger.tree_head = flipChar(b.ledger.tree_head, noteRootAt(b.ledger.tree_head));
        },
        () => ({
          source: 'checkpoint',
          seq: null,
          field: 'ledger.tree_head',
          expected: 'a note signed by a known key',
          actual: 'invalid_signature',
        }),
      ],
    ];

    it.each(cases)('%s', async (_name, edit, divergence) => {
      const copy = JSON.parse(exported) as Bundle;
      edit(copy);
      const text = `${JSON.stringify(copy, null, 2)}\n`;
      // The file differs from the export in exactly one character.
      expect(`${JSON.stringify(JSON.parse(exported), null, 2)}\n`).toBe(exported);
      expect(text).toHaveLength(exported.length);
      const before = [...exported];
      expect([...text].filter((c, i) => c !== before[i])).toHaveLength(1);
      const verdict = await verify(await bundleFile('edited.json', text));
      expect(verdict.code).toBe(1);
      expect(verdict.integrity.verification_status).toBe('FAILED');
      expect(verdict.integrity.failure_reason).toEqual(expect.any(String));
      expect(verdict.integrity.divergence).toMatchObject(divergence(copy));
    });
  });

  it('refuses a missing, a truncated or a non-JSON file as a usage error (exit 2)', async () => {
    const missing = await runCli(
      'aos',
      ['verify', join(directory, 'no-such-bundle.json'), '--json'],
      offline,
    );
    expect(missing.code).toBe(2);
    expect(jsonOf<{ error: { code: string; field: string; message: string } }>(missing).error).toMatchObject({
      code: 'invalid_input',
      field: 'file',
      message: expect.stringContaining('ENOENT'),
    });

    // Neither is a bundle or a tree head: no verdict about either, the byte where JSON broke off.
    const half = exported.slice(0, exported.length / 2);
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

  describe('aos proof --step N --inclusion discloses one step, checked by an independent RFC 9162 verifier', () => {
    type Disclosure = {
      integrity: Integrity;
      inclusion: {
        step_index: number;
        leaf_index: number;
        tree_size: number;
        leaf_bytes: string;
        leaf_hash: string;
        inclusion_path: string[];
        merkle_root: string;
      };
      checkpoint: { merkle_root: string } | null;
    };
    const disclose = async (step: number) => {
      const result = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', runId, '--step', String(step), '--inclusion', '--json'],
        env,
      );
      expect(result.code, result.stderr).toBe(0);
      return { stdout: result.stdout, ...jsonOf<Disclosure>(result) };
    };

    it.each([0, 1, 2])(
      'step %i: its leaf is in the sealed merkle_root, and no other step is printed',
      async (step) => {
        const merkle = await proofOf(['--model', 'merkle']);
        expect(merkle.integrity.model).toBe('MERKLE_TREE');
        const { inclusion, checkpoint, integrity, stdout } = await disclose(step);
        expect(integrity).toMatchObject({ model: 'MERKLE_TREE', verification_status: 'VERIFIED' });
        expect(inclusion).toMatchObject({
          step_index: step,
          leaf_index: FIRST_STEP_SEQ + step,
          tree_size: CHAIN_LENGTH,
          merkle_root: merkle.integrity.merkle_root,
        });
        expect(checkpoint?.merkle_root).toBe(merkle.integrity.merkle_root);

        const leaf = rfcLeafHash(Buffer.from(inclusion.leaf_bytes, 'utf8'));
        expect(leaf.toString('hex')).toBe(inclusion.leaf_hash);
        const path = fromHexList(inclusion.inclusion_path);
        const root = Buffer.from(merkle.integrity.merkle_root ?? '', 'hex');
        expect(rfcVerifyInclusion(leaf, inclusion.leaf_index, inclusion.tree_size, path, root)).toBe(true);
        // The proof is for this leaf at this index only.
        const neighbour =
          inclusion.leaf_index === FIRST_STEP_SEQ ? inclusion.leaf_index + 1 : inclusion.leaf_index - 1;
        expect(rfcVerifyInclusion(leaf, neighbour, inclusion.tree_size, path, root)).toBe(false);
        expect(
          rfcVerifyInclusion(
            rfcLeafHash(Buffer.from(inclusion.leaf_bytes.replace(MARKERS[step]!, 'other'), 'utf8')),
            inclusion.leaf_index,
            inclusion.tree_size,
            path,
            root,
          ),
        ).toBe(false);

        expect(JSON.parse(inclusion.leaf_bytes)).toMatchObject({
          v: 1,
          tenant_id: TENANT,
          run_id: runId,
          seq: FIRST_STEP_SEQ + step,
          type: 'StepExecuted',
          data: { step_index: step, params: { message: MARKERS[step] } },
        });
        expect(stdout).toContain(MARKERS[step]);
        for (const other of [GOAL, ...MARKERS.filter((_, n) => n !== step)])
          expect(stdout).not.toContain(other);
      },
    );

    it('answers exit 3 for a step the run does not have, exit 2 for --step without --inclusion', async () => {
      const absent = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', runId, '--step', '3', '--inclusion', '--json'],
        env,
      );
      expect(absent.code).toBe(3);
      expect(jsonOf<{ error: { code: string } }>(absent).error.code).toBe('not_found');
      const usage = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', runId, '--step', '1', '--json'],
        env,
      );
      expect(usage.code).toBe(2);
      expect(jsonOf<{ error: { field: string } }>(usage).error.field).toBe('inclusion');
    });
  });
});
