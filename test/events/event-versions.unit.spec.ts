import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { upcastAgentRegisteredV1 } from '../../domain/agent/agent-registered-v1.js';
import {
  EVENT_SCHEMAS,
  schemaVersionOf,
  upcastEvent,
  upcastWith,
  type EventSchema,
} from '../../domain/events/event-versions.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { closedObject } from '../../domain/json/closed-object.js';

/** The upcasting step of docs/EVENTS.md, on a made-up event type whose payload changed twice:
 * version 1 `{name}`, version 2 `{full_name, schema_version: 2}`, version 3 adds `tags`. */
const V1 = closedObject('GreetingV1', { name: t.string });
const V2 = closedObject('GreetingV2', { full_name: t.string, schema_version: t.literal(2) });
const greeting: EventSchema = {
  current: 3,
  upcasters: {
    1: (data) => {
      const v1 = V1.decode(data);
      return v1._tag === 'Left' ? v1 : t.success({ full_name: v1.right.name, schema_version: 2 });
    },
    2: (data) => {
      const v2 = V2.decode(data);
      return v2._tag === 'Left' ? v2 : t.success({ ...v2.right, tags: [], schema_version: 3 });
    },
  },
};
const upcast = upcastWith({
  Greeting: greeting,
  Broken: { current: 2, upcasters: { 1: (d) => t.success(d) } },
});
const messages = (v: t.Validation<unknown>): string[] =>
  v._tag === 'Left' ? describeDecodeErrors(v.left) : [];

describe('event schema versions', () => {
  it('writes AgentRegistered at version 2, read from version 1 by its upcaster, and every other event at version 1', () => {
    const { AgentRegistered, ...others } = EVENT_SCHEMAS;
    expect(AgentRegistered.current).toBe(2);
    expect(AgentRegistered.upcasters).toEqual({ 1: upcastAgentRegisteredV1 });
    expect(AgentRegistered.upcasters[1]).toBe(upcastAgentRegisteredV1);
    expect(Object.keys(others).sort()).toEqual([
      'LateSpanReceived',
      'PlanningAttempted',
      'RunCompleted',
      'RunCreated',
      'RunObserved',
      'RunPlanned',
      'RunSealed',
      'RunStarted',
      'StepExecuted',
    ]);
    for (const schema of Object.values(others)) expect(schema).toEqual({ current: 1, upcasters: {} });
  });

  it('upcasts a version-1 AgentRegistered to version 2: its template becomes its planner, nothing else changes', () => {
    const plan_template = { steps: [{ skill: 'echo', params: { message: '{{goal}}' }, max_retries: 1 }] };
    const agent = {
      agent_id: 'a-1',
      tenant_id: 't-1',
      name: 'n',
      budget_cents: 5,
      allowed_hosts: ['example.com'],
    };
    expect(
      upcastEvent('AgentRegistered', { ...agent, plan_template, max_retries: 2, step_timeout_ms: 900 }),
    ).toEqual(
      t.success({
        ...agent,
        max_retries: 2,
        step_timeout_ms: 900,
        schema_version: 2,
        planner: { kind: 'template', plan_template },
      }),
    );
    const v2 = {
      ...agent,
      schema_version: 2,
      planner: { kind: 'llm', instructions: '', max_steps: 3, repair_attempts: 0, skills: [] },
    };
    expect(upcastEvent('AgentRegistered', v2)).toEqual(t.success(v2));
    // Version 1 is read with its frozen codec: a field it did not have, or one missing, is refused.
    expect(messages(upcastEvent('AgentRegistered', { ...agent, plan_template, planner: {} }))).toEqual([
      'planner: unknown field "planner"',
    ]);
    expect(messages(upcastEvent('AgentRegistered', agent))).not.toEqual([]);
  });

  it('reads the version from schema_version, and its absence as version 1', () => {
    expect(schemaVersionOf({ name: 'a' })).toBe(1);
    expect(schemaVersionOf({ schema_version: 2 })).toBe(2);
    expect(schemaVersionOf('not an object')).toBe(1);
    for (const bad of [1, 0, -2, 2.5, '2', null])
      expect(schemaVersionOf({ schema_version: bad })).toBeUndefined();
  });

  it('brings an old payload to the current version one upcaster at a time, and leaves a current one as it is', () => {
    expect(upcast('Greeting', { name: 'Ada' })).toEqual(
      t.success({ full_name: 'Ada', schema_version: 3, tags: [] }),
    );
    expect(upcast('Greeting', { full_name: 'Ada', schema_version: 2 })).toEqual(
      t.success({ full_name: 'Ada', schema_version: 3, tags: [] }),
    );
    const current = { full_name: 'Ada', schema_version: 3, tags: ['x'] };
    expect(upcast('Greeting', current)).toEqual(t.success(current));
  });

  it('refuses what it cannot read: a newer version, a malformed marker, an old payload of the wrong shape, an unknown type', () => {
    expect(messages(upcast('Greeting', { schema_version: 4 }))).toEqual([
      'schema_version: Greeting version 4 was written by a newer build; this one reads up to version 3',
    ]);
    expect(messages(upcast('Greeting', { name: 'Ada', schema_version: 1 }))).toEqual([
      'schema_version: expected an integer >= 2 (a version 1 event has no schema_version)',
    ]);
    expect(messages(upcast('Greeting', { nom: 'Ada' }))).toEqual(['nom: unknown field "nom"']);
    expect(messages(upcast('Unheard', {}))).toEqual([
      '(input): no schema version is known for event type "Unheard"',
    ]);
  });

  it('refuses an upcaster that does not give the next version', () => {
    expect(messages(upcast('Broken', { a: 1 }))).toEqual([
      'schema_version: the upcaster of Broken version 1 did not give version 2',
    ]);
  });
});
