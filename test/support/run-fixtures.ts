import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import type { StoredEvent } from '../../domain/ports/event-store.js';
import { genesisLink, nextLink } from '../../domain/proof/hash-chain.js';
import { leafHash } from '../../domain/proof/leaf.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { RunEvent } from '../../domain/run/run-events.js';

export const TENANT = 'tenant-a';
export const RUN_ID = '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a';

/** A finished two-step run, as domain events. */
export const sampleRunEvents = (): RunEvent[] => [
  {
    type: 'RunCreated',
    data: {
      run_id: RUN_ID,
      tenant_id: TENANT,
      agent_id: 'agent-1',
      goal: 'check',
      origin_system_id: 'cus-cli',
      budget_cents: 100,
    },
  },
  {
    type: 'RunPlanned',
    data: {
      plan: {
        planner: 'template',
        planner_version: '1',
        steps: [
          { index: 0, skill: 'echo', params: { message: 'a' } },
          { index: 1, skill: 'echo', params: { message: 'b' } },
        ],
      },
    },
  },
  { type: 'RunStarted', data: { attempt: 1 } },
  {
    type: 'StepExecuted',
    data: {
      step_index: 0,
      skill: 'echo',
      params: { message: 'a' },
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: { message: 'a' } },
      cost_cents: 2,
      duration_ms: 1.5,
      retry_count: 0,
    },
  },
  {
    type: 'StepExecuted',
    data: {
      step_index: 1,
      skill: 'echo',
      params: { message: 'b' },
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: [1, { x: null }] },
      cost_cents: 3,
      duration_ms: 0.25,
      retry_count: 0,
    },
  },
  { type: 'RunCompleted', data: { status: 'succeeded' } },
];

/** Domain events as a store would hand them back: seq, canonical bytes, times and chain links. */
export const storedRunEvents = (
  events: readonly RunEvent[] = sampleRunEvents(),
  tenantId = TENANT,
  runId = RUN_ID,
): StoredEvent[] => {
  let link = genesisLink(tenantId, runId);
  return events.map((event, seq) => {
    const dataCanonical = canonicalJson(event.data as JsonObject);
    const recorded_at = new Date(Date.UTC(2026, 1, 9, 12, 0, 0, seq * 10)).toISOString();
    link = nextLink(
      link,
      leafHash({ tenant_id: tenantId, run_id: runId, seq, type: event.type, dataCanonical, recorded_at }),
    );
    return {
      stream_id: `aos-run-${runId}`,
      tenant_id: tenantId,
      seq,
      type: event.type,
      data: JSON.parse(dataCanonical) as unknown,
      dataCanonical,
      recorded_at,
      link: toHex(link),
      globalPosition: { transactionId: 1n, position: BigInt(seq + 1) },
    };
  });
};
