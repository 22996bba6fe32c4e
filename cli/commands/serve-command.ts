import * as E from 'fp-ts/lib/Either.js';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_LISTEN, parseListenAddress } from '../../server/listen-address.js';
import { CliFailure, infrastructureError, usageError } from '../cli-failure.js';
import { ExitCode } from '../exit-codes.js';
import { withRuntime } from '../runtime.js';
import { shown } from '../terminal-text.js';
import type { ArgsOf, OptionsOf } from './common-options.js';
import { pipe } from 'fp-ts/lib/function.js';
import { policyWith, type RedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { DEFAULT_INGEST_LIMITS } from '../../server/observed-ingest.js';
import type { IngestSettings } from '../../server/serve.js';
import { orThrow } from '../cli-failure.js';
import { redactionPolicyFromEnv } from '../redaction-config.js';
import { keysDirectoryOf, requireRunKeys } from '../signing-keys.js';

const builder = (yargs: Argv) =>
  yargs
    .option('listen', {
      type: 'string',
      default: DEFAULT_LISTEN,
      describe: 'HOST:PORT to listen on ([::1]:PORT for IPv6; port 0: one the system picks, logged)',
    })
    .option('quiet-period-ms', {
      type: 'number',
      default: 5000,
      describe: 'seal an observed run once no span of its trace has arrived for this long (and at shutdown)',
    })
    .option('max-request-bytes', {
      type: 'number',
      default: DEFAULT_INGEST_LIMITS.maxRequestBytes,
      describe:
        'POST /v1/traces: the largest body accepted as sent (413 past it; decompressed: twice as much)',
    })
    .option('max-concurrent-requests', {
      type: 'number',
      default: DEFAULT_INGEST_LIMITS.maxConcurrentRequests,
      describe: 'POST /v1/traces: requests decoded and stored at once; past it, 429 with Retry-After',
    })
    .option('redact-key', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'an attribute key pattern (* any characters, case-insensitive) whose values are redacted before anything is stored; repeatable, added to the defaults and AOS_REDACT_KEYS',
    });

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
};

/** A whole number of at least `min` for the option `field`, or a usage error naming it. */
const wholeNumber = (field: string, value: number, min: number, max: number): number => {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw usageError(field, `expected a whole number from ${min} to ${max} (got ${String(value)})`);
  return value;
};

type ServeArgs = ArgsOf<typeof builder>;

/** The ingest's settings from the options, every one checked before anything starts. */
const ingestSettings = (args: ServeArgs): IngestSettings => {
  const quietPeriodMs = wholeNumber('quiet-period-ms', args['quiet-period-ms'], 0, 3_600_000);
  const maxRequestBytes = wholeNumber('max-request-bytes', args['max-request-bytes'], 1024, 1024 ** 3);
  const maxConcurrentRequests = wholeNumber(
    'max-concurrent-requests',
    args['max-concurrent-requests'],
    1,
    1024,
  );
  return {
    quietPeriodMs,
    limits: { maxRequestBytes, maxDecodedBytes: 2 * maxRequestBytes, maxConcurrentRequests },
  };
};

/** The redaction of received attributes: the defaults, AOS_REDACT_KEYS, then --redact-key. */
const ingestRedaction = (args: ServeArgs): RedactionPolicy =>
  pipe(
    policyWith(args['redact-key'], 'redact-key', redactionPolicyFromEnv(process.env)),
    orThrow((problem) => usageError('redact-key', problem.message)),
  );

/** Runs the server to its end, the failures as the CLI contract's exit codes. */
const serveToEnd = async (args: ServeArgs): Promise<void> => {
  const listen = parseListenAddress(args.listen);
  if (E.isLeft(listen)) throw usageError('listen', listen.left);
  const settings = ingestSettings(args);
  const redaction = ingestRedaction(args);
  // Observed runs are sealed as they complete: no key, no server (exit 4, nothing bound).
  const keys = await requireRunKeys(await keysDirectoryOf(process.env));
  // The server (fastify) is loaded only by this command, never by the others' start-up.
  const [{ serve, ListenFailure }, { systemClock }] = await Promise.all([
    import('../../server/serve.js'),
    import('../../adapters/system-clock.js'),
  ]);
  try {
    await serve({
      listen: listen.right,
      ingest: settings,
      withDatabase: (work) =>
        withRuntime(
          (runtime) =>
            work({
              ping: runtime.ping,
              console: { services: runtime, keys },
              ingest: {
                store: runtime.store,
                staging: runtime.spanStaging,
                services: { ingestTokens: runtime.ingestTokens },
                clock: systemClock,
                random: Math.random,
                redaction,
                signer: keys.signer,
                keySet: keys.knownKeys,
              },
            }),
          process.env,
          { releaseOnSignal: false },
        ),
      exitNow: (code) => process.exit(code),
    });
  } catch (error) {
    if (error instanceof ListenFailure)
      throw infrastructureError(
        `--listen ${args.listen}: cannot listen: ${LISTEN_FAILURES[error.code] ?? error.message}`,
      );
    throw error;
  }
};

const handler = async (args: ArgsOf<typeof builder>): Promise<void> => {
  try {
    await serveToEnd(args);
    process.exit(ExitCode.ok);
  } catch (error) {
    const failure =
      error instanceof CliFailure
        ? error
        : infrastructureError(error instanceof Error ? error.message : String(error));
    process.stderr.write(`error: ${shown(failure.message)}\n`);
    process.exit(failure.exitCode);
  }
};

export const serveCommand: CommandModule<object, OptionsOf<typeof builder>> = {
  command: 'serve',
  describe:
    'run the server: POST /v1/traces (OTLP/HTTP: agent traces in, sealed observed runs out), GET /healthz, GET /readyz (DATABASE_URL, or the embedded database)',
  builder,
  handler,
};
