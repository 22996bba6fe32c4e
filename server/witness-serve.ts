import { pino, type Logger } from 'pino';
import type { Witness } from '../application/witness/add-checkpoint.js';
import { closeWithin } from './http-server.js';
import { createLifecycle, trapStopSignals } from './lifecycle.js';
import type { ListenAddress } from './listen-address.js';
import { listenOn } from './listen-failure.js';
import { buildWitnessHttpServer } from './witness-http-server.js';

export type WitnessServeOptions = {
  readonly listen: ListenAddress;
  readonly witness: Witness;
  /** The witness's verifier key, logged at start for the logs and verifiers to configure. */
  readonly verifierKey: string;
  readonly exitNow: (code: number) => void;
  readonly logger?: Logger;
};

/** `aos-int witness serve`: binds, serves add-checkpoint until SIGTERM/SIGINT, then lets requests
 * in flight finish (each persists its state before it answers) and stops. Its own process, its
 * own state directory and key: no database. Throws ListenFailure when it cannot bind. */
export const serveWitness = async (options: WitnessServeOptions): Promise<void> => {
  const logger = options.logger ?? pino({ name: 'aos-witness' }, pino.destination({ dest: 2, sync: true }));
  const lifecycle = createLifecycle();
  const untrap = trapStopSignals(lifecycle, options.exitNow);
  const app = buildWitnessHttpServer(options.witness, logger);
  try {
    await listenOn(app, options.listen);
    lifecycle.markReady(async () => undefined);
    logger.info(
      { event: 'ready', verifier_key: options.verifierKey },
      `witness ${options.verifierKey}: ready`,
    );
    const reason = await lifecycle.stopRequested;
    logger.info({ event: 'stopping', signal: reason }, `${reason}: shutting down`);
    await closeWithin(app, 10_000);
    logger.info({ event: 'stopped' }, 'stopped');
  } finally {
    untrap();
    await app.close().catch(() => undefined);
  }
};
