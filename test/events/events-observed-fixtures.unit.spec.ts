import { describe, expect, it } from 'vitest';
import { decodeAgentEvent } from '../../domain/agent/agent-events.js';
import { schemaVersionOf, upcastEvent } from '../../domain/events/event-versions.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { decodeForProjection } from '../../projections/projected-event.js';
import {
  decodeStored,
  expectRunsVerify,
  fixtureDigests,
  fixtureFiles,
  projectionErrors,
  storedEvent,
  type FixtureRow,
} from '../support/event-fixtures.js';

/**
 * docs/EVENTS.md, "The event fixtures": the events of an observed run (RunObserved in place of
 * RunPlanned, LateSpanReceived for a span that came after the seal) and its agent (AgentRegistered,
 * planner observed), captured by scripts/capture-observed-fixtures.mjs from a real ingest by the
 * built `aos serve`. Each row decodes with nothing lost, and the run verifies as written.
 */

const files = fixtureFiles('events-observed');
const rows: FixtureRow[] = [...files.values()].flatMap((file) => file.events);
const table = (of: readonly FixtureRow[]) =>
  of.map((row) => [row.type, row.stream_id, row.seq, row] as const);
const expectedVersion = (type: string): number => (type === 'AgentRegistered' ? 2 : 1);

describe('observed-run event fixtures (test/vectors/events-observed)', () => {
  it('are kept byte for byte as captured', () => {
    expect(fixtureDigests('events-observed')).toEqual({
      'AgentRegistered.json': '70866f75a7f5443e17e643c27b64804461c30150aaef6cf49ee5f9ddb9bd2202',
      'LateSpanReceived.json': 'a7e7653b2daf0a199451c4c19001117e944bdcb6f5895eaba0021f2bf10fe7f8',
      'RunObserved.json': '4dc1e4c10c3e5e6d3d18cbfc56e66a7953e35cba5eab62c9b281b181f28fdd32',
      'runs.json': '1452d4911e07f73d35e364768130329ad23d30ad39a2ac0db4b13f09cdd0eb57',
    });
  });

  it('hold one file per type of observed runs, and the rest of the run', () => {
    for (const type of ['AgentRegistered', 'RunObserved', 'LateSpanReceived']) {
      const file = files.get(type);
      expect(file?.events.length, type).toBeGreaterThan(0);
      for (const row of file?.events ?? []) expect(row.type).toBe(type);
    }
    expect(new Set(files.get('runs')?.events.map((row) => row.type))).toEqual(
      new Set(['RunCreated', 'RunStarted', 'StepExecuted', 'RunCompleted', 'RunSealed']),
    );
  });

  it.each(table(rows))(
    'decodes %s (%s, seq %i) as stored (JCS, its current version) with nothing lost, for the projector too',
    (type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      expect(canonicalJson(stored.data as JsonObject)).toBe(row.data);
      expect(schemaVersionOf(stored.data)).toBe(expectedVersion(type));
      expect(upcastEvent(type, stored.data)).toEqual({ _tag: 'Right', right: stored.data });
      const decoded = decodeStored(stored);
      expect(decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : []).toEqual([]);
      if (decoded._tag === 'Right' && type !== 'RunSealed') expect(decoded.right.data).toEqual(stored.data);
      expect(projectionErrors(stored)).toEqual([]);
      const projected = decodeForProjection(stored);
      // The late stream is kept, not projected: nothing of it reaches the sealed run's rows.
      if (type === 'LateSpanReceived') expect(projected).toEqual({ _tag: 'Right', right: null });
    },
  );

  it('registers the agent as observed, of the service its spans came from', () => {
    const agent = decodeAgentEvent(
      'AgentRegistered',
      JSON.parse(files.get('AgentRegistered')!.events[0]!.data),
    );
    expect(agent._tag === 'Right' && agent.right.data.planner).toEqual({
      kind: 'observed',
      service_name: 'fixture-agent-service',
    });
  });

  it('holds no value of a redacted attribute', () => {
    expect(rows.some((row) => row.data.includes('sk-fixture-never-stored'))).toBe(false);
    expect(rows.some((row) => row.data.includes('[REDACTED]'))).toBe(true);
  });

  it('still verifies as written: the run chain, the writer reloads it, its seal holds', () => {
    const runRows = rows.filter((row) => row.type !== 'AgentRegistered' && row.type !== 'LateSpanReceived');
    const runs = runRows
      .filter((row) => row.type === 'RunCreated')
      .map((row) => row.stream_id.slice('aos-run-'.length));
    expect(runs).toHaveLength(1);
    expectRunsVerify(runRows, runs, files.get('runs')?.public_keys);
  });
});
