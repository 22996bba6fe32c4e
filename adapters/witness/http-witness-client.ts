import type { WitnessClient } from '../../application/ports/witness-client.js';

/** POST <url>/add-checkpoint over HTTP, given up after `timeoutMs`: a witness that does not answer
 * in time is unreachable (the head stays uncosigned and is sent again later). */
export const httpWitnessClient =
  (timeoutMs: number): WitnessClient =>
  async (url, body) => {
    try {
      const response = await fetch(`${url}/add-checkpoint`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { kind: 'answered', status: response.status, text: await response.text() };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return {
        kind: 'unreachable',
        message: cause ?? (error instanceof Error ? error.message : String(error)),
      };
    }
  };
