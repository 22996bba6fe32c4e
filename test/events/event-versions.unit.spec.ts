import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import {
  EVENT_SCHEMAS,
  schemaVersionOf,
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
  it('writes every product event at version 1 today, with nothing to upcast', () => {
    for (const schema of Object.values(EVENT_SCHEMAS)) expect(schema).toEqual({ current: 1, upcasters: {} });
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
