import { describe, expect, it } from 'vitest';
import { decodeAgentEvent, type AgentRegistered } from '../../domain/agent/agent-events.js';
import { EVENT_SCHEMAS, schemaVersionOf, upcastEvent } from '../../domain/events/event-versions.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { decodeRunEvent } from '../../domain/run/run-events.js';
import { decodeForProjection } from '../../projections/projected-event.js';
import {
  decodeStored,
  expectRunsVerify,
  fixtureDigests,
  fixtureFiles,
  projectionErrors,
  storedEvent,
  streamOf,
  withPayload,
  type FixtureRow,
} from '../support/event-fixtures.js';

/**
 * docs/EVENTS.md, "The event fixtures": AgentRegistered is at version 2 (an agent chooses its
 * planner) and PlanningAttempted is new (version 1). Their fixtures were captured by
 * scripts/capture-event-fixtures.mjs from two real runs of the built CLI (tenant-fixtures-v2): a
 * template agent and an llm agent (test/vectors/events-v2/AgentRegistered.json), the llm run's two
 * planning attempts, refused then accepted (test/vectors/events-v1/PlanningAttempted.json), and the
 * rest of both runs with their seals (test/vectors/events-v2/runs.json). Each row decodes with
 * nothing lost through the decoders the writer, the projector and the proof use, and the runs still
 * verify as written.
 */

const v1 = fixtureFiles('events-v1');
const v2 = fixtureFiles('events-v2');
const observed = new Map([...fixtureFiles('events-observed')].filter(([name]) => name !== 'AgentRegistered'));
/** The fixtures of each version: test/vectors/events-v<version>/. */
const byVersion = new Map([
  [1, v1],
  [2, v2],
]);
const runsFile = v2.get('runs');
const agents: readonly FixtureRow[] = v2.get('AgentRegistered')?.events ?? [];
const attempts: readonly FixtureRow[] = v1.get('PlanningAttempted')?.events ?? [];
/** Every row of the two captured runs' streams and of their tenant's ledger. */
const runRows: FixtureRow[] = [...attempts, ...(runsFile?.events ?? [])];
const captured: FixtureRow[] = [...agents, ...runRows];
const runIds = runRows
  .filter((row) => row.type === 'RunCreated')
  .map((row) => row.stream_id.slice('aos-run-'.length));
const table = (of: readonly FixtureRow[]) =>
  of.map((row) => [row.type, row.stream_id, row.seq, row] as const);
const payload = (row: FixtureRow | undefined) => JSON.parse(row?.data ?? 'null') as Record<string, unknown>;

describe('event fixtures of the current versions (test/vectors/events-v2, PlanningAttempted)', () => {
  it('hold, for every type the product writes, stored rows of its current version', () => {
    for (const [type, { current }] of Object.entries(EVENT_SCHEMAS)) {
      // The types of observed runs have their own fixtures (events-observed-fixtures.unit.spec.ts).
      const file = observed.get(type) ?? byVersion.get(current)?.get(type);
      expect(file?.schema_version, type).toBe(current);
      expect(file?.events.length, type).toBeGreaterThan(0);
      for (const row of file?.events ?? []) {
        expect(row.type).toBe(type);
        expect(schemaVersionOf(JSON.parse(row.data))).toBe(current);
      }
    }
    // events-v2 holds the version-2 type and the rest of the captured runs, nothing else.
    expect([...v2.keys()].sort()).toEqual(['AgentRegistered', 'runs']);
    expect(runsFile?.schema_version).toBe(1);
    expect(new Set(runsFile?.events.map((row) => row.type))).toEqual(
      new Set(['RunCreated', 'RunPlanned', 'RunStarted', 'StepExecuted', 'RunCompleted', 'RunSealed']),
    );
  });

  it('are kept byte for byte as captured', () => {
    expect(fixtureDigests('events-v2')).toEqual({
      'AgentRegistered.json': 'a713e89398e945796e87f8d8139ce80b98274260bb3bca204ba040aba0efa1dd',
      'runs.json': 'ca756841bee67f36e14177a1568b4b8770947876bcb620063cb3e457cc048b83',
    });
  });

  it.each(table(captured))(
    'reads %s (%s, seq %i), stored as JCS at its current version, unchanged by the upcast',
    (type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      expect(canonicalJson(stored.data as JsonObject)).toBe(row.data);
      const current = EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS].current;
      expect(schemaVersionOf(stored.data)).toBe(current);
      expect(row.data.includes('"schema_version":2')).toBe(current === 2); // version 1 is never spelt out
      const upcast = upcastEvent(type, stored.data);
      expect(upcast._tag === 'Right' && upcast.right).toBe(stored.data); // identity: the same object
    },
  );

  it.each(table(captured))(
    'decodes %s (%s, seq %i) with nothing lost, for the writer, the projector and the proof',
    (type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      const decoded = decodeStored(stored);
      expect(decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : []).toEqual([]);
      expect(decoded._tag === 'Right' && decoded.right).toEqual({ type, data: stored.data });

      const projected = decodeForProjection(stored);
      expect(projectionErrors(stored)).toEqual([]);
      expect(projected._tag === 'Right' && projected.right?.event.type).toBe(type);
      if (type !== 'RunSealed')
        expect(projected._tag === 'Right' && projected.right?.event.data).toEqual(stored.data);
    },
  );

  it('hold a template agent and an llm agent, each planner as registered', () => {
    const decoded = agents.map((row) => decodeAgentEvent(row.type, JSON.parse(row.data)));
    const registered = decoded.flatMap((d): AgentRegistered[] => (d._tag === 'Right' ? [d.right.data] : []));
    expect(registered.map((agent) => agent.planner.kind).sort()).toEqual(['llm', 'template']);
    const llm = registered.find((agent) => agent.planner.kind === 'llm');
    expect(llm?.planner).toMatchObject({ skills: ['echo', 'json_transform'], repair_attempts: 1 });
    const template = registered.find((agent) => agent.planner.kind === 'template');
    expect(template?.planner).toEqual({
      kind: 'template',
      plan_template: { steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] },
    });
  });

  it('hold the llm run planning twice: a refused answer, then the accepted plan that RunPlanned records', () => {
    const [first, second] = attempts.map(payload);
    const runId = attempts[0]?.stream_id ?? '';
    expect(attempts.map((row) => [row.stream_id, row.seq])).toEqual([
      [runId, 1],
      [runId, 2],
    ]);
    expect(first).toMatchObject({ attempt: 1, model: 'fake-planner', outcome: 'invalid' });
    expect(first?.validation_errors).toEqual([
      { step_index: 0, field: 'skill', message: 'unknown skill "summarize" (known: echo, json_transform)' },
    ]);
    expect(second).toMatchObject({ attempt: 2, outcome: 'accepted', validation_errors: [] });
    // The repair request carries the refused answer and why it was refused.
    const repair = (second?.messages as { role: string; content: string }[]).slice(-2);
    expect(repair[0]).toEqual({ role: 'assistant', content: (first?.answer as { content: string }).content });
    expect(repair[1]?.content).toContain('unknown skill "summarize"');

    const stream = runRows.filter((row) => row.stream_id === runId).sort((a, b) => a.seq - b.seq);
    expect(stream.map((row) => row.type)).toEqual([
      'RunCreated',
      'PlanningAttempted',
      'PlanningAttempted',
      'RunPlanned',
      'RunStarted',
      'StepExecuted',
      'RunCompleted',
    ]);
    const planned = payload(stream[3]).plan as {
      planner: string;
      steps: { skill: string; params: unknown }[];
    };
    const answered = JSON.parse((second?.answer as { content: string }).content) as {
      steps: { skill: string; params: unknown }[];
    };
    expect(planned.planner).toBe('llm');
    expect(planned.steps.map(({ skill, params }) => ({ skill, params }))).toEqual(answered.steps);
  });

  it('verify as written: both run chains (the planning attempts included), the writer reloads each run, and each seal holds', () => {
    expect(runIds).toHaveLength(2);
    expectRunsVerify(runRows, runIds, runsFile?.public_keys);
  });

  it('hold the agents the runs were made with', () => {
    for (const runId of runIds) {
      const events = streamOf(runRows, `aos-run-${runId}`);
      const created = events[0]?.data as { agent_id: string; budget_cents: number };
      const registered = agents.find((row) => row.stream_id === `aos-agent-${created.agent_id}`);
      expect(registered).toBeDefined();
      const agent = payload(registered);
      expect(agent.budget_cents).toBe(created.budget_cents);
      const planned = events.find((event) => event.type === 'RunPlanned')?.data as {
        plan: { planner: string };
      };
      expect(planned.plan.planner).toBe((agent.planner as { kind: string }).kind);
    }
  });

  it('refuse a version-2 agent of another shape, or a newer one', () => {
    const [agent] = agents;
    if (!agent) throw new Error('no AgentRegistered fixture');
    const data = payload(agent);
    const planner = data.planner as Record<string, unknown>;
    for (const [bad, message] of [
      [{ ...data, schema_version: 3 }, /version 3 was written by a newer build/],
      [{ ...data, planner: { ...planner, kind: 'oracle' } }, /planner/],
      [{ ...data, plan_template: { steps: [] } }, /plan_template/],
      [{ ...data, planner: undefined }, /planner/],
    ] as const) {
      const stored = withPayload(agent, JSON.parse(JSON.stringify(bad)) as Record<string, unknown>);
      const decoded = decodeAgentEvent(agent.type, stored.data);
      expect(decoded._tag === 'Left' && describeDecodeErrors(decoded.left).join('; ')).toMatch(message);
      expect(projectionErrors(stored).join('; ')).toMatch(message);
    }
    const [attempt] = attempts;
    if (!attempt) throw new Error('no PlanningAttempted fixture');
    const newer = withPayload(attempt, { ...payload(attempt), schema_version: 2 });
    expect(decodeRunEvent(newer.type, newer.data)._tag).toBe('Left');
  });
});
