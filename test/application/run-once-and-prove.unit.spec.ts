import * as t from 'io-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import type { ReadModel } from '../../application/ports/read-model.js';
import type { RunKeys } from '../../application/ports/run-keys.js';
import type { RunAndProveDeps } from '../../application/runs/run-and-prove.js';
import { runOnceAndProve } from '../../application/runs/run-once-and-prove.js';
import { closedObject } from '../../domain/json/closed-object.js';
import type { EventStore, StoredEvent } from '../../domain/ports/event-store.js';
import type { Skill, SkillRegistry } from '../../domain/ports/skill.js';
import { runIdForIdempotencyKey } from '../../domain/run/idempotency-key.js';
import {
  agentWithSteps,
  inMemoryWorld,
  unitRunKeys,
  type TemplateStep,
} from '../support/in-memory/in-memory-world.js';
import { minimalSkillManifest } from '../support/minimal-skill-manifest.js';

// `aos run --idempotency-key K` again while the first request is still executing the run, on the
// in-memory store: the first request's steps wait at gates the test opens, so that its appends land
// exactly while the replay proves the run (between its catch-up and its read of the events).
const TENANT = 'tenant-replay-unit';

/** Gates by name: a `gate` step waits until the test opens its gate. */
const createGates = () => {
  const gates = new Map<string, { open: () => void; opened: Promise<void> }>();
  const named = (name: string) => {
    let entry = gates.get(name);
    if (entry === undefined) {
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      entry = { open, opened };
      gates.set(name, entry);
    }
    return entry;
  };
  const skill: Skill<{ gate: string }> = {
    name: 'gate',
    version: '1',
    description: 'waits until the test opens the named gate',
    manifest: minimalSkillManifest,
    params: closedObject('GateParams', { gate: t.string }),
    isIdempotent: () => true,
    estimateCostCents: () => 0,
    validateInPlan: () => [],
    execute: async ({ gate }) => {
      await named(gate).opened;
      return {
        status: 'succeeded',
        outcome: { category: 'success', code: 'OK', data: { gate } },
        cost_cents: 0,
      };
    },
  };
  const builtin = builtinSkillRegistry();
  const skills: SkillRegistry = {
    get: (name) => (name === 'gate' ? (skill as unknown as Skill) : builtin.get(name)),
    list: () => [...builtin.list(), skill as unknown as Skill],
  };
  return { skills, open: (name: string) => named(name).open() };
};

const gateSteps = (...names: string[]): TemplateStep[] => [
  { skill: 'echo', params: { message: '{{goal}}' } },
  ...names.map((gate) => ({ skill: 'gate', params: { gate } })),
];

/** Polls until `holds` (the other request is a promise on the same event loop), 2 s at most. */
const until = async (what: string, holds: () => boolean): Promise<void> => {
  for (let waited = 0; !holds(); waited += 1) {
    if (waited > 2_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
};

/** `store`, whose proof reads (readStreamPages) first run `beforeEachProofRead`. */
const proofReadsHooked = (store: EventStore, beforeEachProofRead: () => Promise<void>): EventStore => ({
  ...store,
  readStreamPages: async function* (tenantId, streamId) {
    await beforeEachProofRead();
    return yield* store.readStreamPages(tenantId, streamId);
  },
});

/** `readModel`, whose projector does nothing for its caller until `allowed` resolves. */
const projectingOnlyAfter = (readModel: ReadModel, allowed: Promise<void>): ReadModel => ({
  ...readModel,
  projections: {
    ...readModel.projections,
    waitFor: async (target, options) => {
      await allowed;
      return readModel.projections.waitFor(target, options);
    },
  },
});

let keys: RunKeys;
let removeKeys: () => Promise<void>;
beforeAll(async () => ({ keys, remove: removeKeys } = await unitRunKeys()));
afterAll(() => removeKeys());

/** A world whose first request for `key` executes the plan, stopped at its first gate. */
const startedRun = async (key: string, ...gateNames: string[]) => {
  const gates = createGates();
  const world = inMemoryWorld(gates.skills);
  const agentId = await agentWithSteps(world.deps, TENANT, gateSteps(...gateNames));
  const request = { tenant_id: TENANT, agent_id: agentId, goal: 'replayed', origin_system_id: 'unit' };
  const runId = runIdForIdempotencyKey(TENANT, key);
  const runEvents = (): StoredEvent[] => world.store.events.filter((e) => e.stream_id === `aos-run-${runId}`);
  let releaseWriterProjections = () => {};
  const writerMayProject = new Promise<void>((resolve) => (releaseWriterProjections = resolve));
  const writerDeps: RunAndProveDeps = {
    ...world.deps,
    readModel: projectingOnlyAfter(world.readModel, writerMayProject),
  };
  const writer = runOnceAndProve(writerDeps, request, key, keys);
  await until('step 0 recorded, the first gate reached', () => runEvents().length === 4);
  return { ...world, ...gates, request, runId, runEvents, writer, releaseWriterProjections };
};

describe('runOnceAndProve: a replay while the run executes', () => {
  it('given a step recorded while the replay proves the run, then the replay is in_progress and VERIFIED, not FAILED', async () => {
    const run = await startedRun('step-during-proof', 'a', 'b');
    let hooked = 0;
    const store = proofReadsHooked(run.store, async () => {
      if (hooked++ > 0) return;
      run.open('a'); // the first request records step 1 now, after the replay caught up
      await until('step 1 recorded', () => run.runEvents().length === 5);
    });
    const replay = await runOnceAndProve({ ...run.deps, store }, run.request, 'step-during-proof', keys);
    expect(hooked).toBeGreaterThan(0);
    expect(replay._tag === 'Right' && replay.right).toMatchObject({
      run_id: run.runId,
      created: false,
      status: 'in_progress',
      proof: { integrity: { verification_status: 'VERIFIED', divergence: null } },
    });
    run.open('b');
    run.releaseWriterProjections();
    const written = await run.writer;
    expect(written._tag === 'Right' && written.right).toMatchObject({
      created: true,
      status: 'succeeded',
      proof: { integrity: { verification_status: 'VERIFIED' }, seal: { status: 'sealed' } },
    });
  });

  it('given the run completed and sealed while the replay proves it (not yet projected), then VERIFIED', async () => {
    const run = await startedRun('completed-during-proof', 'last');
    const sealed = () => run.store.events.some((e) => e.type === 'RunSealed');
    let hooked = 0;
    const store = proofReadsHooked(run.store, async () => {
      if (hooked++ > 0) return;
      run.open('last');
      await until('the run completed and sealed', sealed);
    });
    const replay = await runOnceAndProve({ ...run.deps, store }, run.request, 'completed-during-proof', keys);
    expect(hooked).toBeGreaterThan(1); // proved again once its projections held the new events
    expect(replay._tag === 'Right' && replay.right).toMatchObject({
      created: false,
      status: 'in_progress',
      proof: { integrity: { verification_status: 'VERIFIED' }, seal: { status: 'sealed' } },
    });
    run.releaseWriterProjections();
    expect((await run.writer)._tag).toBe('Right');
  });

  it('given a step row changed while the run executes, then FAILED on that row, after one proof', async () => {
    const run = await startedRun('tampered-while-running', 'a');
    await run.readModel.projections.catchUp();
    const steps = run.readModel.tables.get('aos_trace_steps')!;
    for (const [id, row] of steps) steps.set(id, { ...row, status: 'failed' });
    let proofs = 0;
    const store = proofReadsHooked(run.store, async () => void proofs++);
    const replay = await runOnceAndProve({ ...run.deps, store }, run.request, 'tampered-while-running', keys);
    expect(replay._tag === 'Right' && replay.right).toMatchObject({
      status: 'in_progress',
      proof: {
        integrity: {
          verification_status: 'FAILED',
          divergence: { source: 'projection', field: 'aos_trace_steps.status', actual: 'failed' },
        },
      },
    });
    expect(proofs).toBe(1);
    run.open('a');
    run.releaseWriterProjections();
    await run.writer;
  });

  it('given a run that grows during every proof, then still_running once the patience is spent, never FAILED', async () => {
    const gateNames = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'];
    const run = await startedRun('outpaced', ...gateNames);
    let next = 0;
    const store = proofReadsHooked(run.store, async () => {
      const events = run.runEvents().length;
      run.open(gateNames[next++]!);
      await until('one more step recorded', () => run.runEvents().length === events + 1);
    });
    let now = 0;
    const clock = { ...run.deps.clock, monotonicMs: () => (now += 10_000) };
    const replay = await runOnceAndProve({ ...run.deps, store, clock }, run.request, 'outpaced', keys);
    expect(replay).toEqual({
      _tag: 'Left',
      left: { kind: 'still_running', run_id: run.runId, waited_ms: 20_000 },
    });
    gateNames.forEach((name) => run.open(name));
    run.releaseWriterProjections();
    expect((await run.writer)._tag).toBe('Right');
  });
});
