import { describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../../domain/ledger/run-checkpoint.js';
import { ledgerRoot, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { checkLedgerConsistency, type TreeHead } from '../../domain/ledger/tree-head.js';
import { toHex } from '../../domain/proof/sha256.js';

/** checkLedgerConsistency on ledgers in memory: the reason it gives, and the proof's reason with it. */

const seal = (index: number, runId = `run-${index}`): LedgerEntry => {
  const checkpoint: RunCheckpoint = {
    v: 1,
    kind: 'aos.runproof.checkpoint',
    tenant_id: 'tenant-a',
    run_id: runId,
    chain_length: 4,
    root_hash: toHex(Buffer.alloc(32, index + 1)),
    merkle_root: toHex(Buffer.alloc(32, index + 7)),
    sealed_at: `2026-02-09T11:0${index}:00.000Z`,
    key_id: '0123456789abcdef',
  };
  return { index, checkpoint, signature: 'not checked here' };
};

const headOf = (entries: readonly LedgerEntry[]): TreeHead => ({
  tenant_id: 'tenant-a',
  tree_size: entries.length,
  root_hash: toHex(ledgerRoot(entries)),
  signed_by: [],
});

describe('checkLedgerConsistency', () => {
  const ledger = [0, 1, 2].map((i) => seal(i));

  it('finds the ledger as it is an extension of a head kept earlier', () => {
    expect(checkLedgerConsistency(headOf(ledger.slice(0, 2)), ledger)).toMatchObject({
      consistent: true,
      old_size: 2,
      new_size: 3,
      new_root: toHex(ledgerRoot(ledger)),
    });
  });

  it('names the root the rewritten prefix has now, and the kept one', () => {
    const longer = [...ledger, seal(3)];
    const kept = headOf(ledger);
    const rewritten = [longer[0]!, seal(1, 'run-other'), ...longer.slice(2)];
    expect(checkLedgerConsistency(kept, rewritten)).toMatchObject({
      consistent: false,
      reason: 'the first 3 seals no longer hash to the kept root: the ledger was rewritten',
      proof_failure: {
        kind: 'root_mismatch',
        hash: 'old_root',
        computed: toHex(ledgerRoot(rewritten.slice(0, 3))),
        expected: kept.root_hash,
      },
    });
  });

  it('names the new root when the kept size is a power of two (the kept root is its own proof node)', () => {
    const rewritten = [ledger[0]!, seal(1, 'run-other'), ledger[2]!];
    expect(checkLedgerConsistency(headOf(ledger.slice(0, 2)), rewritten)).toMatchObject({
      consistent: false,
      reason: 'the first 2 seals no longer hash to the kept root: the ledger was rewritten',
      proof_failure: { kind: 'root_mismatch', hash: 'new_root', expected: toHex(ledgerRoot(rewritten)) },
    });
  });

  it('names both roots when a ledger of the same size was rewritten', () => {
    const rewritten = [ledger[0]!, ledger[1]!, seal(2, 'run-other')];
    expect(checkLedgerConsistency(headOf(ledger), rewritten)).toMatchObject({
      consistent: false,
      reason: 'the first 3 seals no longer hash to the kept root: the ledger was rewritten',
      proof_failure: {
        kind: 'root_mismatch',
        hash: 'new_root',
        computed: toHex(ledgerRoot(ledger)),
        expected: toHex(ledgerRoot(rewritten)),
      },
    });
  });

  it('names the sizes when the ledger shrank', () => {
    expect(checkLedgerConsistency(headOf(ledger), ledger.slice(0, 2))).toMatchObject({
      consistent: false,
      reason: 'the ledger shrank from 3 to 2 seals: sealed runs were removed',
      proof_failure: { kind: 'size_decreased', old_size: 3, new_size: 2 },
    });
  });
});
