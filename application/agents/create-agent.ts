import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
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
  if (E.isLeft(registered)) return registered;
  const { agent, position } = registered.right;
  return pipe(
    await deps.readModel.projections.waitFor(position),
    E.bimap(
      (error): CreateAgentError => ({ kind: 'projection_failed', error }),
      () => agent,
    ),
  );
};
