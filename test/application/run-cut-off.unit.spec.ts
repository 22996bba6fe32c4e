import * as TE from 'fp-ts/lib/TaskEither.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunKeys } from '../../application/ports/run-keys.js';
import { resumeAndProve } from '../../application/runs/resume-and-prove.js';
import { runAndProve, type RunAndProveDeps } from '../../application/runs/run-and-prove.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import {
  agentWithSteps,
  inMemoryWorld,
  unitRunKeys,
  type TemplateStep,
} from '../support/in-memory/in-memory-world.js';

// A store that goes away in the middle of a run: the use case's error names the run, so that the
// CLI can say which run to continue and how.
const TENANT = 'tenant-cut-off';
const STEPS: TemplateStep[] = [
  { skill: 'echo', params: { message: '{{goal}}' } },
  { skill: 'wait', params: { ms: 0 } },
  { skill: 'echo', params: { message: 'last' } },
];
const UNAVAILABLE = { kind: 'store_unavailable', message: 'connect ECONNREFUSED 127.0.0.1:5432' } as const;

let keys: RunKeys;
let removeKeys: () => Promise<void>;
beforeAll(async () => ({ keys, remove: removeKeys } = await unitRunKeys()));
afterAll(() => removeKeys());

/** `store`, whose appends to run streams fail as an unreachable database's do after `allowed` of them. */
const goingAwayAfter = (store: EventStore, allowed: number): EventStore => {
  let left = allowed;
  return {
    ...store,
    appendToStream: (tenantId, streamId, expected, events) =>
      streamId.startsWith('aos-run-') && left-- <= 0
        ? TE.left(UNAVAILABLE)
        : store.appendToStream(tenantId, streamId, expected, events),
  };
};

const runIdsIn = (store: { events: readonly { type: string; stream_id: string }[] }) =>
  store.events.filter((e) => e.type === 'RunCreated').map((e) => e.stream_id.slice('aos-run-'.length));

describe('a run the store fails in the middle of', () => {
  it('given a run created and started, when its next append finds no store, then the error names the run (run_cut_off)', async () => {
    const { deps, store } = inMemoryWorld();
    const agentId = await agentWithSteps(deps, TENANT, STEPS);
    const request = { tenant_id: TENANT, agent_id: agentId, goal: 'cut', origin_system_id: 'unit' };
    const cut = await runAndProve({ ...deps, store: goingAwayAfter(store, 1) }, request, keys);
    const [runId] = runIdsIn(store);
    expect(cut).toEqual({
      _tag: 'Left',
      left: { kind: 'run_cut_off', tenant_id: TENANT, run_id: runId, error: UNAVAILABLE },
    });
    // The run it names is continued by resume once the store is back.
    const resumed = await resumeAndProve(deps, keys, TENANT, runId!, 'rerun_if_idempotent');
    expect(resumed._tag === 'Right' && resumed.right.status).toBe('succeeded');
    expect(resumed._tag === 'Right' && resumed.right.proof.integrity.verification_status).toBe('VERIFIED');
  });

  it('given a run cut off, when its resume is cut off too, then that error names the run as well', async () => {
    const { deps, store } = inMemoryWorld();
    const agentId = await agentWithSteps(deps, TENANT, STEPS);
    const request = { tenant_id: TENANT, agent_id: agentId, goal: 'cut twice', origin_system_id: 'unit' };
    await runAndProve({ ...deps, store: goingAwayAfter(store, 2) }, request, keys);
    const [runId] = runIdsIn(store);
    const flaky: RunAndProveDeps = { ...deps, store: goingAwayAfter(store, 0) };
    expect(await resumeAndProve(flaky, keys, TENANT, runId!, 'rerun_if_idempotent')).toEqual({
      _tag: 'Left',
      left: { kind: 'run_cut_off', tenant_id: TENANT, run_id: runId, error: UNAVAILABLE },
    });
  });

  it('given no run yet, when its first append finds no store, then the error is the store’s, naming no run', async () => {
    const { deps, store } = inMemoryWorld();
    const agentId = await agentWithSteps(deps, TENANT, STEPS);
    const request = { tenant_id: TENANT, agent_id: agentId, goal: 'never', origin_system_id: 'unit' };
    const refused = await runAndProve({ ...deps, store: goingAwayAfter(store, 0) }, request, keys);
    expect(refused).toEqual({ _tag: 'Left', left: { kind: 'store', error: UNAVAILABLE } });
    expect(runIdsIn(store)).toEqual([]);
  });
});
