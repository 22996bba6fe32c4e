import { pino, type Logger } from 'pino';
import { buildHttpServer, closeWithin } from './http-server.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout.js';
import { createLifecycle, trapStopSignals, type Lifecycle } from './lifecycle.js';
import type { ListenAddress } from './listen-address.js';
import { listenOn } from './listen-failure.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits, type ObservedIngest } from './observed-ingest.js';
import { startObservedSealer } from './observed-sealer.js';
import { registerOtlpTracesRoute } from './otlp-traces-route.js';
import { registerConsoleApi } from './console/api-routes.js';
import type { ConsoleDeps } from './console/console-deps.js';
import { registerLedgerConsistencyRoute } from './console/ledger-consistency-route.js';
import { registerLiveRoute } from './console/live-route.js';
import { registerLoginRoutes } from './console/login-routes.js';
import { registerConsolePages } from './console/page-routes.js';
import { addSecurityHeaders } from './console/security-headers.js';

/** What the server needs of the database services the CLI opens (cli/runtime.ts). */
export type ServerDatabase = {
  /** A `SELECT 1` on the pool: readyz is 503 while it fails. */
  ping(): Promise<void>;
  /** The OTLP ingest's use cases' dependencies. */
  readonly ingest: ObservedIngest;
  /** The web console's use cases' dependencies. */
  readonly console: ConsoleDeps;
};

/** The OTLP ingest's settings (aos serve's options). */
export type IngestSettings = {
  readonly limits: IngestLimits;
  /** A run is sealed once its spans have been quiet this long (and at shutdown). */
  readonly quietPeriodMs: number;
};

export type ServeOptions = {
  readonly listen: ListenAddress;
  /** Opens the database services (migrating them), runs `work`, and closes them whatever happens. */
  readonly withDatabase: (work: (database: ServerDatabase) => Promise<void>) => Promise<void>;
  /** Ends the process at once (a second signal). */
  readonly exitNow: (code: number) => void;
  /** How long requests in flight may take to finish at shutdown. */
  readonly drainBoundMs?: number;
  /** Where later work adds its shutdown hooks. */
  readonly withLifecycle?: (lifecycle: Lifecycle) => void;
  readonly logger?: Logger;
  readonly ingest?: IngestSettings;
  /** How long a client may take to send a request (408 past it). */
  readonly requestTimeoutMs?: number;
};

/** JSON lines on stderr, written synchronously so that nothing is lost when the process exits. */
const stderrLogger = (): Logger => pino({ name: 'aos-serve' }, pino.destination({ dest: 2, sync: true }));

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Binds, opens the database, serves until SIGTERM/SIGINT, then shuts down gracefully: readyz 503,
 * no new connections, requests in flight finish (within the bound), the shutdown hooks run, the
 * database services close. Throws ListenFailure when it cannot bind (nothing opened), or what
 * opening the database threw (after closing the listener). */
export const serve = async (options: ServeOptions): Promise<void> => {
  const logger = options.logger ?? stderrLogger();
  const lifecycle = createLifecycle();
  options.withLifecycle?.(lifecycle);
  const untrap = trapStopSignals(lifecycle, options.exitNow);
  const app = buildHttpServer(lifecycle, logger, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const settings = options.ingest ?? { limits: DEFAULT_INGEST_LIMITS, quietPeriodMs: 5000 };
  let ingest: ObservedIngest | null = null;
  let consoleDeps: ConsoleDeps | null = null;
  addSecurityHeaders(app);
  registerOtlpTracesRoute(app, () => ingest, settings.limits);
  registerLoginRoutes(app, () => consoleDeps);
  registerConsoleApi(app, () => consoleDeps);
  registerLiveRoute(app, () => consoleDeps);
  registerLedgerConsistencyRoute(app, () => consoleDeps);
  registerConsolePages(app, () => consoleDeps);
  try {
    await listenOn(app, options.listen);
    await options.withDatabase(async (database) => {
      ingest = database.ingest;
      consoleDeps = database.console;
      const sealer = startObservedSealer(database.ingest, {
        quietPeriodMs: settings.quietPeriodMs,
        intervalMs: Math.min(1000, Math.max(50, Math.floor(settings.quietPeriodMs / 4))),
        logger,
      });
      if (lifecycle.state() !== 'stopping') {
        lifecycle.markReady(database.ping);
        logger.info({ event: 'ready' }, 'database open, migrations applied: ready');
      }
      const reason = await lifecycle.stopRequested;
      logger.info({ event: 'stopping', signal: reason }, `${reason}: shutting down`);
      const drained = await closeWithin(app, options.drainBoundMs ?? 10_000);
      if (!drained)
        logger.warn({ event: 'drain_timeout' }, 'requests still in flight at the bound were cut off');
      // What was accepted is sealed before the database closes.
      await sealer.stop();
      await lifecycle.runShutdownHooks((hook, error) =>
        logger.error(
          { event: 'shutdown_hook_failed', hook, err: errorText(error) },
          `shutdown hook ${hook} failed`,
        ),
      );
    });
    logger.info({ event: 'stopped' }, 'database services closed: stopped');
  } finally {
    untrap();
    await app.close().catch(() => undefined);
  }
};
