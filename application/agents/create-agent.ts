import * as E from 'fp-ts/lib/Either.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import type { ProjectionError, ReadModel } from '../ports/read-model.js';
import {
  registerAgent,
  type AgentRegistrationError,
  type AgentRegistrationRequest,
} from './register-agent.js';

export type CreateAgentError =
  AgentRegistrationError | { readonly kind: 'projection_failed'; readonly error: ProjectionError };

/** Registers an agent and waits until the agents read model holds it. */
export const createAgent = async (
  deps: Parameters<typeof registerAgent>[0] & { readonly readModel: ReadModel },
  request: AgentRegistrationRequest,
): Promise<E.Either<CreateAgentError, AgentRegistered>> => {
  const registered = await registerAgent(deps, request);
  if (registered._tag === 'Left') return registered;
  const projected = await deps.readModel.projections.waitFor(registered.right.position);
  return projected._tag === 'Left'
    ? E.left({ kind: 'projection_failed', error: projected.left })
    : E.right(registered.right.agent);
};
