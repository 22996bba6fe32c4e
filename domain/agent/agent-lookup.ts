import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { describeDecodeErrors } from '../json/decode-error.js';
import type { StoredEvent } from '../ports/event-store.js';
import { decodeAgentEvent, type AgentRegistered } from './agent-events.js';

export type AgentLookupError = { readonly kind: 'stored_agent_invalid'; readonly message: string };

/** The agent a stream describes, or undefined when the stream is empty for this tenant. */
export const agentFromEvents = (
  events: readonly StoredEvent[],
): E.Either<AgentLookupError, AgentRegistered | undefined> => {
  const first = events[0];
  if (first === undefined) return E.right(undefined);
  return pipe(
    decodeAgentEvent(first.type, first.data),
    E.bimap(
      (errors): AgentLookupError => ({
        kind: 'stored_agent_invalid',
        message: describeDecodeErrors(errors).join('; '),
      }),
      (event) => event.data,
    ),
  );
};
