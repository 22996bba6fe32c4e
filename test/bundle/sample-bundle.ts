import { verifyEventChain } from '../../domain/proof/chain-verifier.js';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { BUNDLE_FORMAT, type ProofBundle } from '../../domain/bundle/proof-bundle.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import type { LateSeal } from '../../domain/ledger/late-seal.js';
import { checkpointBytes, type RunCheckpoint } from '../../domain/ledger/run-checkpoint.js';
import { ledgerLeaves, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { NOTE_KEY_NAME, treeHeadBody } from '../../domain/ledger/tree-head.js';
import { rawPublicKey, runproofKeyId, signEd25519 } from '../../domain/proof/ed25519-keys.js';
import { inclusionProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { toHex } from '../../domain/proof/sha256.js';
import { signNote } from '../../domain/proof/signed-note.js';
import type { RunEvent } from '../../domain/run/run-events.js';
import { RUN_ID, TENANT, sampleRunEvents, storedRunEvents } from '../support/run-fixtures.js';

/** A signing key as the tests hold it: the private KeyObject, the raw public key and its key_id. */
export type TestKey = { readonly privateKey: KeyObject; readonly raw: Uint8Array; readonly keyId: string };

export const generateTestKey = (): TestKey => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(privateKey);
  if (raw._tag === 'Left') throw new Error(raw.left.message);
  return { privateKey, raw: raw.right, keyId: runproofKeyId(raw.right) };
};

/** The sample two-step run, with a goal of several scripts so edits also hit non-ASCII text. */
const runEvents = (): RunEvent[] =>
  sampleRunEvents().map((e) =>
    e.type === 'RunCreated' ? { ...e, data: { ...e.data, goal: 'Résumé ✓ 日本 — "q"\\' } } : e,
  );

const sign = (key: TestKey, checkpoint: RunCheckpoint): string =>
  Buffer.from(signEd25519(key.privateKey, checkpointBytes(checkpoint))).toString('base64');

const otherSeal = (key: TestKey, index: number, runId: string): LedgerEntry => {
  const checkpoint: RunCheckpoint = {
    v: 1,
    kind: 'aos.runproof.checkpoint',
    tenant_id: TENANT,
    run_id: runId,
    chain_length: 4 + index,
    root_hash: toHex(Buffer.alloc(32, index + 1)),
    merkle_root: toHex(Buffer.alloc(32, index + 7)),
    sealed_at: `2026-02-09T11:0${index}:00.000Z`,
    key_id: key.keyId,
  };
  return { index, checkpoint, signature: sign(key, checkpoint) };
};

/** A sealed run's bundle made in process, with no database: the events of storedRunEvents, a
 * checkpoint signed with `key` (a late seal's when `late` is given), a ledger of three seals with
 * the run's at `leafIndex`, and a tree head note signed with the same key. */
export const sampleBundle = (key: TestKey, leafIndex = 1, late?: LateSeal): ProofBundle => {
  const stored = storedRunEvents(runEvents());
  const { integrity } = verifyEventChain(TENANT, RUN_ID, `aos-run-${RUN_ID}`, stored);
  if (
    integrity.verification_status !== 'VERIFIED' ||
    integrity.root_hash === null ||
    integrity.merkle_root === null
  )
    throw new Error('sample run does not verify');
  const checkpoint: RunCheckpoint = {
    v: 1,
    kind: 'aos.runproof.checkpoint',
    tenant_id: TENANT,
    run_id: RUN_ID,
    chain_length: integrity.chain_length,
    root_hash: integrity.root_hash,
    merkle_root: integrity.merkle_root,
    sealed_at: '2026-02-09T12:00:01.234Z',
    key_id: key.keyId,
    ...(late ? { late } : {}),
  };
  const signature = sign(key, checkpoint);
  const others = ['7a1c9e20-0b3d-4e5f-8a6b-1c2d3e4f5a6b', '9b2d0f31-1c4e-4f60-9b7c-2d3e4f5a6b7c'];
  const ledger: LedgerEntry[] = [0, 1, 2].map((index) =>
    index === leafIndex
      ? { index, checkpoint, signature }
      : otherSeal(key, index, others[index < leafIndex ? index : index - 1] ?? ''),
  );
  const leaves = ledgerLeaves(ledger);
  const note = signNote(treeHeadBody(TENANT, ledger), NOTE_KEY_NAME, key.privateKey, key.raw);
  if (note._tag === 'Left') throw new Error(note.left.message);
  return {
    format: BUNDLE_FORMAT,
    tenant_id: TENANT,
    run_id: RUN_ID,
    events: stored.map((e) => ({
      seq: e.seq,
      type: e.type,
      data: JSON.parse(e.dataCanonical) as JsonObject,
      recorded_at: e.recorded_at,
      link: e.link,
    })),
    integrity: {
      model: 'HASH_CHAIN',
      verification_status: 'VERIFIED',
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash,
      merkle_root: integrity.merkle_root,
    },
    checkpoint,
    signature,
    public_keys: [
      { key_id: key.keyId, algorithm: 'Ed25519', public_key: Buffer.from(key.raw).toString('base64') },
    ],
    ledger: {
      leaf_index: leafIndex,
      tree_size: ledger.length,
      inclusion_path: inclusionProof(leaves, leafIndex).map(toHex),
      root_hash: toHex(merkleTreeHash(leaves)),
      tree_head: note.right,
    },
    exported_at: '2026-02-09T13:00:00.000Z',
  };
};

/** A deep copy the tests can edit freely. */
export const copyOf = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
