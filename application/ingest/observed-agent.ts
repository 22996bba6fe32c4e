import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import { agentFromEvents, type AgentLookupError } from '../../domain/agent/agent-lookup.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { ObservedAgent } from '../../domain/observed/observed-run.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { agentStreamId } from '../../domain/stream-names.js';

export type ObservedAgentError =
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | AgentLookupError
  /** The id belongs to an agent that is not an observed one: nothing of the run is recorded. */
  | { readonly kind: 'agent_not_observed'; readonly agent_id: string };

const registration = (tenantId: string, agent: ObservedAgent): AgentRegistered => ({
  schema_version: 2,
  agent_id: agent.agent_id,
  tenant_id: tenantId,
  name: agent.name,
  planner: { kind: 'observed', service_name: agent.service_name },
  // Nothing runs here, so nothing is spent: a trace does not say what its calls cost.
  budget_cents: 0,
  allowed_hosts: [],
});

const existing = (deps: { readonly store: EventStore }, tenantId: string, agentId: string) =>
  pipe(
    deps.store.readStream(tenantId, agentStreamId(agentId)),
    TE.mapLeft((error): ObservedAgentError => ({ kind: 'store', error })),
    TE.chainEitherKW(agentFromEvents),
  );

/**
 * The observed agent, registered in the tenant on first sight (AgentRegistered, planner
 * `observed`): the agent's stream is created at version 0, so two servers seeing it at once
 * register it once, and the one that loses reads what the other wrote.
 */
export const ensureObservedAgent =
  (deps: { readonly store: EventStore; readonly clock: Clock }) =>
  (tenantId: string, agent: ObservedAgent): TE.TaskEither<ObservedAgentError, AgentRegistered> =>
    pipe(
      existing(deps, tenantId, agent.agent_id),
      TE.chain((found) => {
        if (found !== undefined)
          return found.planner.kind === 'observed'
            ? TE.right(found)
            : TE.left<ObservedAgentError>({ kind: 'agent_not_observed', agent_id: agent.agent_id });
        const registered = registration(tenantId, agent);
        return pipe(
          deps.store.appendToStream(tenantId, agentStreamId(agent.agent_id), 0, [
            {
              type: 'AgentRegistered',
              data: registered,
              dataCanonical: canonicalJson(registered),
              recorded_at: deps.clock.now(),
              link: null,
            },
          ]),
          TE.map(() => registered),
          TE.orElse((error) =>
            error.kind === 'version_conflict'
              ? pipe(
                  existing(deps, tenantId, agent.agent_id),
                  TE.chainEitherK((again) =>
                    again === undefined
                      ? E.left<ObservedAgentError>({ kind: 'store', error })
                      : E.right(again),
                  ),
                )
              : TE.left<ObservedAgentError>({ kind: 'store', error }),
          ),
        );
      }),
    );
