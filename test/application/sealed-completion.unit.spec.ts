import { describe, expect, it } from 'vitest';
import { esdbAppendInOrder } from '../../adapters/eventstoredb/eventstoredb-append.js';
import { appendSealedCompletion } from '../../application/runs/sealed-completion.js';
import { applyRunCommands } from '../../application/runs/run-execution.js';
import { checkSeal } from '../../domain/ledger/seal-verification.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { verifyEventChain } from '../../domain/proof/chain-verifier.js';
import { runDecider } from '../../domain/run/run-decider.js';
import { chainRunEvents, emptyRunStream, type RunStream } from '../../domain/run/run-stream.js';
import { ledgerStreamId, runStreamId } from '../../domain/stream-names.js';
import { inMemoryEventStore } from '../support/in-memory/in-memory-event-store.js';
import { testSigner } from '../support/test-signer.js';

const TENANT = 'tenant-completion';
const { signer, knownKeys } = testSigner();
const clock: Clock = {
  now: () => new Date().toISOString(),
  monotonicMs: () => performance.now(),
  sleep: async () => undefined,
};
const step = {
  step_index: 0,
  skill: 'echo',
  params: { message: 'x' },
  status: 'succeeded' as const,
  outcome: { category: 'success', code: 'OK', data: { message: 'x' } },
  cost_cents: 0,
  duration_ms: 0.1,
  retry_count: 0,
};

/** A store on which appending to several streams is EventStoreDB's: one part after the other. */
const inOrderStore = () => {
  const store = inMemoryEventStore();
  return { ...store, appendToStreams: esdbAppendInOrder(store.appendToStream) };
};

/** A run opened and run to its one step, not completed. */
const runToItsLastStep = async (store: EventStore, runId: string): Promise<RunStream> => {
  const opened = await applyRunCommands({ store, clock }, emptyRunStream(TENANT, runId), [
    {
      type: 'CreateRun',
      run_id: runId,
      tenant_id: TENANT,
      agent_id: 'agent-1',
      goal: 'g',
      origin_system_id: 'test',
      agent: { agent_id: 'agent-1', tenant_id: TENANT, budget_cents: 10 },
    },
    {
      type: 'RecordPlan',
      plan: {
        planner: 'template',
        planner_version: '1',
        steps: [
          {
            index: 0,
            skill: 'echo',
            params: { message: 'x' },
            max_retries: 0,
            timeout_ms: 1000,
            on_failure: 'stop',
          },
        ],
      },
    },
    { type: 'StartRun' },
    { type: 'RecordStep', step },
  ]);
  if (opened._tag === 'Left') throw new Error(JSON.stringify(opened.left));
  return opened.right;
};

const completion = (open: RunStream) => {
  const decided = runDecider.decide({ type: 'CompleteRun', status: 'succeeded' }, open.state);
  if (decided._tag === 'Left') throw new Error(JSON.stringify(decided.left));
  const chained = chainRunEvents(open, decided.right, clock.now());
  if (chained._tag === 'Left') throw new Error(JSON.stringify(chained.left));
  return chained.right;
};

const read = async (store: EventStore, streamId: string) => {
  const events = await store.readStream(TENANT, streamId)();
  if (events._tag === 'Left') throw new Error(JSON.stringify(events.left));
  return events.right;
};

describe('a completion and its seal where streams are appended one after the other (EventStoreDB)', () => {
  it('given the ledger moved after its length was read, when the completion lands and its seal conflicts, then the seal alone is tried again and the run ends sealed, its completion appended once', async () => {
    const store = inOrderStore();
    const open = await runToItsLastStep(store, 'run-a');
    let stale = true;
    const moving: EventStore = {
      ...store,
      // Another run's seal lands between this writer's read of the ledger's length and its append.
      streamVersion: (t, s) => async () => {
        const version = await store.streamVersion(t, s)();
        if (s !== ledgerStreamId(TENANT) || !stale || version._tag === 'Left') return version;
        stale = false;
        await store.appendToStream(t, s, version.right, [
          { type: 'RunSealed', data: {}, dataCanonical: '{}', recorded_at: clock.now(), link: null },
        ])();
        return version;
      },
    };
    const { toAppend, next } = completion(open);
    const sealed = await appendSealedCompletion({ store: moving, clock, signer }, open, toAppend, next);
    expect(sealed._tag).toBe('Right');
    const events = await read(store, runStreamId('run-a'));
    expect(events.map((e) => e.type).filter((t) => t === 'RunCompleted')).toHaveLength(1);
    const ledger = decodeLedger((await read(store, ledgerStreamId(TENANT))).slice(1), 1);
    if (ledger._tag === 'Left') throw new Error(JSON.stringify(ledger.left));
    expect(ledger.right.map((e) => [e.index, e.checkpoint.run_id])).toEqual([[1, 'run-a']]);
    const { integrity } = verifyEventChain(TENANT, 'run-a', runStreamId('run-a'), events);
    const found = { ...ledger.right[0]!, ledger_index: 1 };
    const recomputed = {
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash ?? '',
      merkle_root: integrity.merkle_root ?? '',
      completed: true,
    };
    expect(checkSeal(TENANT, 'run-a', recomputed, found, knownKeys).failure).toBeNull();
  });

  it('given a seal that cannot be appended after the completion landed, then the error says the run completed without it', async () => {
    const store = inOrderStore();
    const open = await runToItsLastStep(store, 'run-b');
    const refusing: EventStore = {
      ...store,
      appendToStreams: esdbAppendInOrder((t, s, version, events) =>
        s === ledgerStreamId(TENANT)
          ? async () => ({ _tag: 'Left', left: { kind: 'store_unavailable', message: 'gone' } })
          : store.appendToStream(t, s, version, events),
      ),
    };
    const { toAppend, next } = completion(open);
    expect(await appendSealedCompletion({ store: refusing, clock, signer }, open, toAppend, next)).toEqual({
      _tag: 'Left',
      left: {
        kind: 'seal_not_appended',
        run_id: 'run-b',
        run_completed: true,
        cause: { kind: 'store', error: { kind: 'store_unavailable', message: 'gone' } },
      },
    });
    expect((await read(store, runStreamId('run-b'))).at(-1)?.type).toBe('RunCompleted');
    expect(await read(store, ledgerStreamId(TENANT))).toEqual([]);
  });
});

describe('the run writer and the completion', () => {
  it('given a writer without a signing key, when it would complete the run, then it is refused and nothing is written', async () => {
    const store = inMemoryEventStore();
    const open = await runToItsLastStep(store, 'run-c');
    const before = store.events.length;
    expect(
      await applyRunCommands({ store, clock }, open, [{ type: 'CompleteRun', status: 'succeeded' }]),
    ).toEqual({
      _tag: 'Left',
      left: { kind: 'completion_without_signer', run_id: 'run-c' },
    });
    expect(store.events).toHaveLength(before);
  });

  it('given a writer with a signing key, when it completes the run, then the completion and the seal land in one append, the seal matching the chain', async () => {
    const store = inMemoryEventStore();
    const open = await runToItsLastStep(store, 'run-d');
    const completed = await applyRunCommands({ store, clock, signer }, open, [
      { type: 'CompleteRun', status: 'succeeded' },
    ]);
    expect(completed._tag).toBe('Right');
    const [runCompleted, sealed] = store.events.slice(-2);
    expect([runCompleted?.type, sealed?.type]).toEqual(['RunCompleted', 'RunSealed']);
    expect(runCompleted?.globalPosition.transactionId).toBe(sealed?.globalPosition.transactionId);
    const events = await read(store, runStreamId('run-d'));
    const { integrity } = verifyEventChain(TENANT, 'run-d', runStreamId('run-d'), events);
    const ledger = decodeLedger(await read(store, ledgerStreamId(TENANT)));
    if (ledger._tag === 'Left') throw new Error(JSON.stringify(ledger.left));
    expect(ledger.right[0]?.checkpoint).toMatchObject({
      run_id: 'run-d',
      chain_length: integrity.chain_length,
      root_hash: integrity.root_hash,
      merkle_root: integrity.merkle_root,
    });
  });
});
