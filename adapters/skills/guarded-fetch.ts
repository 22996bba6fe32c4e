import { fetch, type RequestInit, type Response } from 'undici';
import { createGuardedAgent, type ConnectionPolicy } from './guarded-connector.js';

/** A response and the way to end the connections that made it. */
export type GuardedResponse = { readonly response: Response; readonly release: () => void };

/** fetch through a guarded dispatcher of its own (see guarded-connector): every connection it makes,
 * for this request or any hop after it, is checked against the policy. `release` ends them; call it
 * once the body is read or abandoned. When fetch fails they are ended here. */
export const guardedFetch = async (
  url: URL,
  init: Omit<RequestInit, 'dispatcher'>,
  policy: ConnectionPolicy,
): Promise<GuardedResponse> => {
  const agent = createGuardedAgent(policy);
  const release = () => void agent.destroy().catch(() => undefined);
  try {
    return { response: await fetch(url, { ...init, dispatcher: agent }), release };
  } catch (error) {
    release();
    throw error;
  }
};
