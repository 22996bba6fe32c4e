import type { FastifyInstance } from 'fastify';
import type { ListenAddress } from './listen-address.js';

/** The server could not bind its address (in use, not local, not permitted). */
export class ListenFailure extends Error {
  constructor(
    readonly listen: ListenAddress,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ListenFailure';
  }
}

/** Binds `app` to the address, logging `listening on http://HOST:PORT` (the actual port: port 0
 * lets the system pick one); a failure to bind is a ListenFailure. */
export const listenOn = async (
  app: Pick<FastifyInstance, 'listen'>,
  listen: ListenAddress,
): Promise<void> => {
  try {
    await app.listen({
      host: listen.host,
      port: listen.port,
      listenTextResolver: (address) => `listening on ${address}`,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new ListenFailure(listen, code, error instanceof Error ? error.message : String(error));
  }
};
