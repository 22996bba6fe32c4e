import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { intBetween } from '../json/bounded-codecs.js';
import { upcastEvent } from '../events/event-versions.js';
import { closedObject } from '../json/closed-object.js';
import { MAX_STEP_RETRIES, MAX_STEP_TIMEOUT_MS } from '../plan/plan.js';
import { AgentPlannerC } from './agent-planner.js';

/** Version 2: the agent's planner, its template or a language model (docs/EVENTS.md). */
const AgentRegisteredC = closedObject(
  'AgentRegistered',
  {
    schema_version: t.literal(2),
    agent_id: t.string,
    tenant_id: t.string,
    name: t.string,
    planner: AgentPlannerC,
    budget_cents: intBetween(0, Number.MAX_SAFE_INTEGER),
    allowed_hosts: t.array(t.string),
  },
  {
    /** Defaults for steps whose template does not set them. */
    max_retries: intBetween(0, MAX_STEP_RETRIES),
    step_timeout_ms: intBetween(1, MAX_STEP_TIMEOUT_MS),
  },
);
export type AgentRegistered = t.TypeOf<typeof AgentRegisteredC>;

export type AgentEvent = { readonly type: 'AgentRegistered'; readonly data: AgentRegistered };

/** Decodes an agent stream's event, upcast first to its current schema version (docs/EVENTS.md). */
export const decodeAgentEvent = (type: string, data: unknown): t.Validation<AgentEvent> => {
  if (type !== 'AgentRegistered') return t.failure(type, [], `unknown agent event type "${type}"`);
  return pipe(
    upcastEvent(type, data),
    E.flatMap((current) => AgentRegisteredC.decode(current)),
    E.map((registered) => ({ type, data: registered })),
  );
};
