import { describe, expect, it } from 'vitest';
import { sealRunLate } from '../../application/ledger/seal-run-late.js';
import { appendSealedCompletion } from '../../application/runs/sealed-completion.js';
import { sealingKeyProblem } from '../../domain/ledger/sealing-key.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { emptyRunStream } from '../../domain/run/run-stream.js';
import { generateTestKey, type TestKey } from '../bundle/sample-bundle.js';

const signerOf = (key: TestKey): Signer => ({
  keyId: key.keyId,
  publicKey: key.raw,
  sign: () => new Uint8Array(64),
  signNote: () => '',
});

/** A seal is appended only under a key the operator's key set holds (domain/ledger/sealing-key.ts). */
describe('the sealing key and the key set', () => {
  const key = generateTestKey();
  const other = generateTestKey();

  it('holds a key by its key_id and its public key both', () => {
    expect(sealingKeyProblem(signerOf(key), new Map([[key.keyId, key.raw]]))).toBeNull();
    for (const keySet of [
      new Map<string, Uint8Array>(),
      new Map([[other.keyId, other.raw]]),
      new Map([[key.keyId, other.raw]]), // a record whose key_id is not its key's
    ])
      expect(sealingKeyProblem(signerOf(key), keySet)).toEqual({
        kind: 'sealing_key_not_in_key_set',
        key_id: key.keyId,
      });
  });

  // Seals are made with a run's completion, or late by an operator: neither sealer touches the
  // store under a key the key set does not hold.
  it('makes the sealers append nothing, and read nothing, under a key the key set does not hold', async () => {
    const touched: string[] = [];
    const store = new Proxy({} as EventStore, {
      get: (_target, method) => () => {
        touched.push(String(method));
        throw new Error(`the store was used: ${String(method)}`);
      },
    });
    const clock = { now: () => '2026-01-01T00:00:00.000Z', monotonicMs: () => 0, sleep: async () => {} };
    const deps = { store, signer: signerOf(key), clock, keySet: new Map([[other.keyId, other.raw]]) };
    const runId = '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a';
    const notInKeySet = { kind: 'sealing_key_not_in_key_set', key_id: key.keyId };
    expect(await sealRunLate(deps, { tenantId: 'acme', runId, late: { by: 'ops' } })).toEqual({
      _tag: 'Left',
      left: notInKeySet,
    });
    const run = emptyRunStream('acme', runId);
    expect(await appendSealedCompletion(deps, run, [], { ...run, version: 1 })).toEqual({
      _tag: 'Left',
      left: { kind: 'seal_not_appended', run_id: runId, run_completed: false, cause: notInKeySet },
    });
    expect(touched).toEqual([]);
  });
});
