import { describe, expect, it } from 'vitest';
import { sealRun } from '../../application/ledger/seal-run.js';
import { sealingKeyProblem } from '../../domain/ledger/sealing-key.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
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

  it('makes sealRun append nothing, and read nothing, under a key the key set does not hold', async () => {
    const touched: string[] = [];
    const store = new Proxy({} as EventStore, {
      get: (_target, method) => () => {
        touched.push(String(method));
        throw new Error(`the store was used: ${String(method)}`);
      },
    });
    const clock = { now: () => '2026-01-01T00:00:00.000Z', monotonicMs: () => 0, sleep: async () => {} };
    const sealed = await sealRun(
      { store, signer: signerOf(key), clock, keySet: new Map([[other.keyId, other.raw]]) },
      'acme',
      '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a',
    );
    expect(sealed).toEqual({ _tag: 'Left', left: { kind: 'sealing_key_not_in_key_set', key_id: key.keyId } });
    expect(touched).toEqual([]);
  });
});
