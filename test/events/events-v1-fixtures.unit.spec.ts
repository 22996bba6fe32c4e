import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAgentEvent, type AgentRegistered } from '../../domain/agent/agent-events.js';
import { EVENT_SCHEMAS, schemaVersionOf, upcastEvent } from '../../domain/events/event-versions.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import { decodeRunEvent, type RunEvent } from '../../domain/run/run-events.js';
import { decodeForProjection } from '../../projections/projected-event.js';
import {
  decodeStored,
  expectRunsVerify,
  fixtureDigests,
  fixtureFiles,
  projectionErrors,
  storedEvent,
  streamIds,
  streamOf,
  withPayload,
  type FixtureRow,
} from '../support/event-fixtures.js';

/**
 * docs/EVENTS.md, "The event fixtures": the fixtures under test/vectors/events-v1/ are rows of
 * aos_events as `aos` stored them at version 1, one file per event type: two real runs, their agents
 * and their seals (2026-12-06, before AgentRegistered became version 2), and the planning attempts of
 * a later llm run (PlanningAttempted is at version 1; the rest of that run is in events-v2/runs.json).
 * Each must decode, through the decoders the writer, the projector and the proof use, to the current
 * type with nothing lost: unchanged when its type is still at version 1, and through the upcaster
 * when it is not (AgentRegistered, now version 2). The two runs must still verify as the product
 * wrote them (chains, seals), which shows they are stored bytes, not hand-made JSON.
 */

const files = fixtureFiles('events-v1');
const rows: FixtureRow[] = [...files.values()].flatMap((file) => file.events);
const currentOf = (type: string): number =>
  Object.hasOwn(EVENT_SCHEMAS, type) ? EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS].current : 0;
const stillV1 = rows.filter((row) => currentOf(row.type) === 1);
const agentsV1 = rows.filter((row) => row.type === 'AgentRegistered');

/** docs/EVENTS.md, AgentRegistered: version 1 had `plan_template` at the top level; version 2 is the
 * same agent with `planner: {kind: "template", plan_template}` and `schema_version: 2`. Written out
 * here from the rule, not from the upcaster, so that the test says what the upcaster must give. */
const asVersion2 = (v1: Record<string, unknown>): Record<string, unknown> => {
  const { plan_template, ...rest } = v1;
  return { ...rest, schema_version: 2, planner: { kind: 'template', plan_template } };
};
/** What the current codec of the row's type must give for it. */
const expectedCurrent = (row: FixtureRow): unknown => {
  const stored = JSON.parse(row.data) as Record<string, unknown>;
  return row.type === 'AgentRegistered' ? asVersion2(stored) : stored;
};

const table = (of: readonly FixtureRow[]) =>
  of.map((row) => [row.type, row.stream_id, row.seq, row] as const);

describe('version-1 event fixtures (test/vectors/events-v1)', () => {
  it('keep a file for every event type the product writes, each with stored rows of that type only', () => {
    // Every type of the time; the types of observed runs, younger, are in test/vectors/events-observed.
    const younger = new Set(['RunObserved', 'LateSpanReceived']);
    expect([...files.keys()].sort()).toEqual(
      Object.keys(EVENT_SCHEMAS)
        .filter((t) => !younger.has(t))
        .sort(),
    );
    for (const [type, file] of files) {
      expect(file.schema_version).toBe(1);
      expect(file.events.length).toBeGreaterThan(0);
      for (const row of file.events) expect(row.type).toBe(type);
    }
  });

  it('are kept byte for byte as captured', () => {
    expect(fixtureDigests('events-v1')).toEqual({
      'AgentRegistered.json': '658dc192f188f895a4ee0b7179ac0ad74236dafccb4cc10a6ad8433b18c4a5f8',
      'PlanningAttempted.json': 'c5038f21dd0531bef05ccf614f15bcc859d0671e0146930c6945760738c5ecb5',
      'RunCompleted.json': 'de5b2e8264c880e64a6fed17fb1b0793db6b096641e801edf110b798287f7482',
      'RunCreated.json': '2d72ac2d0d9b53acc816e00a72b6a570a2af5353708ba3aa3287647ec03df64d',
      'RunPlanned.json': '2cbfb4bf3b4255db68326542da4d1c0a6445c67eb14059744212f49526e327d3',
      'RunSealed.json': '93dff015247e82d4d2399d3230702cd2e624eba9ed8bc775af66a041b4f1099d',
      'RunStarted.json': 'dd7434e6d27b6bd54dac4f4765d028b30db8952626cea439d3ec712b914331f6',
      'StepExecuted.json': '57b7a8bf154f411e78f7ced5ba4f9549baf23abb32d88a65a7007a7b66b98e57',
    });
  });

  it.each(table(rows))('stores %s (%s, seq %i) as JCS, at version 1', (_type, _stream, _seq, row) => {
    const stored = storedEvent(row);
    expect(canonicalJson(stored.data as JsonObject)).toBe(row.data); // stored as JCS, as written
    expect(row.data).not.toContain('"schema_version"');
    expect(schemaVersionOf(stored.data)).toBe(1);
  });

  it.each(table(stillV1))(
    'reads %s (%s, seq %i), still at version 1, unchanged by the upcast',
    (_type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      const upcast = upcastEvent(row.type, stored.data);
      expect(upcast).toEqual({ _tag: 'Right', right: stored.data });
      expect(upcast._tag === 'Right' && upcast.right).toBe(stored.data); // identity: the same object
    },
  );

  it.each(table(agentsV1))(
    'upcasts %s (%s, seq %i) to version 2: its template becomes its planner, every other field as stored',
    (_type, _stream, _seq, row) => {
      const stored = JSON.parse(row.data) as Record<string, unknown>;
      const upcast = upcastEvent(row.type, stored);
      expect(upcast).toEqual({ _tag: 'Right', right: asVersion2(stored) });
      if (upcast._tag === 'Left') return;
      const v2 = upcast.right as Record<string, unknown>;
      expect(v2.schema_version).toBe(2);
      expect(v2.planner).toEqual({ kind: 'template', plan_template: stored.plan_template });
      expect(Object.keys(v2).sort()).toEqual(
        [...Object.keys(stored).filter((key) => key !== 'plan_template'), 'planner', 'schema_version'].sort(),
      );
      expect(JSON.parse(row.data)).toEqual(stored); // the stored payload is not touched
    },
  );

  it.each(table(rows))(
    'decodes %s (%s, seq %i) to its current type with nothing lost, for the projector and the proof too',
    (type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      const decoded = decodeStored(stored);
      expect(decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : []).toEqual([]);
      if (decoded._tag === 'Left') return;
      expect(decoded.right.type).toBe(type);
      // Every field of the (upcast) payload is in the decoded event, and nothing else.
      expect(decoded.right.data).toEqual(expectedCurrent(row));

      const projected = decodeForProjection(stored);
      expect(projectionErrors(stored)).toEqual([]);
      expect(projected._tag === 'Right' && projected.right?.event.type).toBe(type);
      if (type !== 'RunSealed')
        expect(projected._tag === 'Right' && projected.right?.event.data).toEqual(expectedCurrent(row));
    },
  );

  it('still verifies as written: both run chains, the writer reloads each run, and each seal holds', () => {
    const runs = (files.get('RunCreated')?.events ?? []).map((row) => row.stream_id.slice('aos-run-'.length));
    expect(runs).toHaveLength(2);
    expectRunsVerify(rows, runs, files.get('RunSealed')?.public_keys);
  });

  it('reads the agents the runs were made with, as template agents', () => {
    for (const streamId of streamIds(agentsV1, 'aos-agent-')) {
      const [registered] = streamOf(agentsV1, streamId);
      const decoded = registered && decodeAgentEvent(registered.type, registered.data);
      if (decoded?._tag !== 'Right') throw new Error(`${streamId} does not decode`);
      const agent: AgentRegistered = decoded.right.data;
      expect(`aos-agent-${agent.agent_id}`).toBe(streamId);
      expect(agent.planner.kind).toBe('template');
    }
  });

  it('reads the events of the RunProof vector (test/vectors/runproof-v1.json) as version 1 too', () => {
    const vector = JSON.parse(
      readFileSync(new URL('../vectors/runproof-v1.json', import.meta.url), 'utf8'),
    ) as { events: { type: string; data: unknown }[] };
    const decoded = vector.events.map((e) => decodeRunEvent(e.type, e.data));
    expect(decoded.flatMap((d) => (d._tag === 'Left' ? describeDecodeErrors(d.left) : []))).toEqual([]);
    expect(decoded.map((d) => d._tag === 'Right' && (d.right satisfies RunEvent).type)).toEqual(
      vector.events.map((e) => e.type),
    );
  });

  describe('a fixture changed to a shape this build does not know is refused, not guessed at', () => {
    const step = rows.find((row) => row.type === 'StepExecuted');
    if (!step) throw new Error('no StepExecuted fixture');
    const payload = JSON.parse(step.data) as Record<string, unknown>;

    it.each([
      ['an unknown field', { ...payload, surprise: true }, /surprise/],
      ['a required field renamed', { ...payload, skill: undefined, skill_name: 'echo' }, /skill/],
      ['a newer schema version', { ...payload, schema_version: 2 }, /version 2 was written by a newer build/],
      ['version 1 spelt out', { ...payload, schema_version: 1 }, /a version 1 event has no schema_version/],
      ['a malformed version', { ...payload, schema_version: '2' }, /expected an integer >= 2/],
    ])('%s', (_what, data, message) => {
      const stored = withPayload(step, JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
      const decoded = decodeRunEvent(stored.type, stored.data);
      expect(decoded._tag).toBe('Left');
      expect(decoded._tag === 'Left' && describeDecodeErrors(decoded.left).join('; ')).toMatch(message);
      expect(projectionErrors(stored).join('; ')).toMatch(message);
    });

    it('for the agent and ledger decoders too (a newer version; a version-1 agent of the wrong shape)', () => {
      const [agent] = agentsV1;
      const seal = rows.find((row) => row.type === 'RunSealed');
      if (!agent || !seal) throw new Error('fixtures missing');
      const newer = (row: FixtureRow) =>
        withPayload(row, {
          ...(JSON.parse(row.data) as JsonObject),
          schema_version: currentOf(row.type) + 1,
        });
      const newerAgent = decodeAgentEvent(agent.type, newer(agent).data);
      expect(newerAgent._tag === 'Left' && describeDecodeErrors(newerAgent.left).join('; ')).toMatch(
        /AgentRegistered version 3 was written by a newer build; this one reads up to version 2/,
      );
      const ledger = decodeLedger([newer(seal)], seal.seq);
      expect(ledger._tag === 'Left' && ledger.left.message).toMatch(/written by a newer build/);
      expect(projectionErrors(newer(agent))).toHaveLength(1);
      expect(projectionErrors(newer(seal))).toHaveLength(1);

      // Version 1 is read with its own frozen codec: a version-1 agent with a field of version 2
      // (or an unknown one) is refused, not upcast.
      const v1 = JSON.parse(agent.data) as JsonObject;
      for (const bad of [
        { ...v1, planner: { kind: 'template' } },
        { ...v1, surprise: true },
      ]) {
        expect(decodeAgentEvent(agent.type, bad)._tag).toBe('Left');
        expect(projectionErrors(withPayload(agent, bad))).toHaveLength(1);
      }
    });
  });
});
