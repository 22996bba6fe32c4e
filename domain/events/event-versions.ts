import * as t from 'io-ts';
import { upcastAgentRegisteredV1 } from '../agent/agent-registered-v1.js';

/**
 * Schema versions of the stored events, and the one step that brings an event written by an older
 * build to the shape this build decodes (docs/EVENTS.md, "Versioning").
 *
 * A stored event's schema version is the `schema_version` field of its payload, and a payload
 * without that field is version 1 (so the rule changed no byte and no hash of the events written
 * before it). AgentRegistered is at version 2 (its planner); every other type is at 1. Stored events are never rewritten (the
 * run's hash chain, its seal and the tenant ledger cover their stored bytes): an old event is read
 * by upcasting it in memory, after its bytes were hashed and before its codec decodes it.
 */
const SCHEMA_VERSION_FIELD = 'schema_version';

/** Turns a payload of version n into a payload of version n + 1 (or says why it cannot). It decodes
 * its input with the codec of version n, kept for that purpose. */
export type Upcaster = (data: unknown) => t.Validation<unknown>;

export type EventSchema = {
  /** The version this build writes, and the one its codec decodes. */
  readonly current: number;
  /** `upcasters[n]` reads version n, for every n from 1 to current - 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
};

const versionOne: EventSchema = { current: 1, upcasters: {} };

/** Every event type the product writes, with its current schema version. */
export const EVENT_SCHEMAS = {
  // run streams, aos-run-<run_id>
  RunCreated: versionOne,
  PlanningAttempted: versionOne,
  RunPlanned: versionOne,
  RunObserved: versionOne,
  RunStarted: versionOne,
  StepExecuted: versionOne,
  RunCompleted: versionOne,
  // agent streams, aos-agent-<agent_id>
  AgentRegistered: { current: 2, upcasters: { 1: upcastAgentRegisteredV1 } },
  // tenant ledgers, aos-ledger-<tenant_id>
  RunSealed: versionOne,
  // spans of an observed run that arrived after its seal, aos-late-<run_id>
  LateSpanReceived: versionOne,
} as const satisfies Readonly<Record<string, EventSchema>>;

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** The schema version a stored payload declares: its `schema_version`, or 1 when it has none.
 * Undefined when the field is there but is not an integer >= 2 (version 1 has a single spelling:
 * no field). A payload that is not an object is version 1, and its codec refuses it. */
export const schemaVersionOf = (data: unknown): number | undefined => {
  if (!isPlainObject(data) || !Object.hasOwn(data, SCHEMA_VERSION_FIELD)) return 1;
  const version = data[SCHEMA_VERSION_FIELD];
  return typeof version === 'number' && Number.isSafeInteger(version) && version >= 2 ? version : undefined;
};

const versionFailure = (actual: unknown, message: string): t.Validation<never> =>
  t.failure(actual, [{ key: SCHEMA_VERSION_FIELD, type: t.unknown, actual }], message);

/** The upcasting step over a table of schemas (EVENT_SCHEMAS in the product; tests give their own). */
export const upcastWith =
  (schemas: Readonly<Record<string, EventSchema>>) =>
  (type: string, data: unknown): t.Validation<unknown> => {
    const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
    if (schema === undefined)
      return t.failure(type, [], `no schema version is known for event type "${type}"`);
    const stored = schemaVersionOf(data);
    if (stored === undefined) {
      const found = isPlainObject(data) ? data[SCHEMA_VERSION_FIELD] : undefined;
      return versionFailure(found, 'expected an integer >= 2 (a version 1 event has no schema_version)');
    }
    if (stored > schema.current)
      return versionFailure(
        stored,
        `${type} version ${stored} was written by a newer build; this one reads up to version ${schema.current}`,
      );
    let current: unknown = data;
    for (let version = stored; version < schema.current; version++) {
      const upcaster = schema.upcasters[version];
      if (upcaster === undefined)
        return versionFailure(version, `no upcaster reads ${type} version ${version}`);
      const next = upcaster(current);
      if (next._tag === 'Left') return next;
      if (schemaVersionOf(next.right) !== version + 1)
        return versionFailure(
          version,
          `the upcaster of ${type} version ${version} did not give version ${version + 1}`,
        );
      current = next.right;
    }
    return t.success(current);
  };

/** A stored event's payload in the shape of its type's current version, ready for its codec. For a
 * payload of the current version it is the payload itself. */
export const upcastEvent: (type: string, data: unknown) => t.Validation<unknown> = upcastWith(EVENT_SCHEMAS);
