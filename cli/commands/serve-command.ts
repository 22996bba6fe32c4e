import * as E from 'fp-ts/lib/Either.js';
import type { Argv } from 'yargs';
import { DEFAULT_LISTEN, parseListenAddress } from '../../server/listen-address.js';
import { orThrow, usageError } from '../cli-failure.js';
import { withRuntime } from '../runtime.js';
import type { ArgsOf, OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';
import { cannotListen, runUntilStopped } from '../long-running-command.js';
import { pipe } from 'fp-ts/lib/function.js';
import { policyWith, type RedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { DEFAULT_INGEST_LIMITS } from '../../server/observed-ingest.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../server/request-timeout.js';
import type { IngestSettings } from '../../server/serve.js';
import { redactionPolicyFromEnv } from '../redaction-config.js';
import { keysDirectoryOf, requireRunKeys } from '../signing-keys.js';
import { configuredWitnesses, cosignDeps } from '../witness-config.js';
import { configuredTsa, tsaDeps } from '../tsa-config.js';
import type { ConfiguredWitness } from '../../domain/witness/configured-witnesses.js';
import type { RunKeys } from '../../application/ports/run-keys.js';
import type { Runtime } from '../runtime.js';

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
    .option('request-timeout-ms', {
      type: 'number',
      default: DEFAULT_REQUEST_TIMEOUT_MS,
      describe: 'how long a client may take to send a whole request; past it, 408 and the connection closed',
    })
    .option('redact-key', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'an attribute key pattern (* any characters, case-insensitive) whose values are redacted before anything is stored; repeatable, added to the defaults and AOS_REDACT_KEYS',
    });

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

/** Sends a tenant ledger's head to the witnesses (cosignLedgerHead, wired as `aos run` does). */
const headCosigner = async (runtime: Runtime, keys: RunKeys, witnesses: readonly ConfiguredWitness[]) => {
  const [{ cosignLedgerHead }, deps] = await Promise.all([
    import('../../application/ledger/cosign-ledger-head.js'),
    cosignDeps(runtime, keys, witnesses),
  ]);
  return (tenantId: string) => cosignLedgerHead(deps, tenantId);
};

/** Asks the TSA for a time stamp of each seal of a tenant without one (as `aos run` does). */
const sealStamper = async (runtime: Runtime, tsaUrl: string) => {
  const [{ timestampMissingSeals }, deps] = await Promise.all([
    import('../../application/ledger/timestamp-missing-seals.js'),
    tsaDeps(runtime, tsaUrl),
  ]);
  return (tenantId: string) => timestampMissingSeals({ ...deps, store: runtime.store }, tenantId);
};

/** Runs the server to its end, the failures as the CLI contract's exit codes. */
const serveToEnd = async (args: ServeArgs): Promise<void> => {
  const listen = parseListenAddress(args.listen);
  if (E.isLeft(listen)) throw usageError('listen', listen.left);
  const settings = ingestSettings(args);
  const requestTimeoutMs = wholeNumber('request-timeout-ms', args['request-timeout-ms'], 100, 3_600_000);
  const redaction = ingestRedaction(args);
  // Observed runs are sealed as they complete: no key, no server (exit 4, nothing bound).
  const keys = await requireRunKeys(await keysDirectoryOf(process.env));
  // The witnesses that cosign each new tenant-ledger head (AOS_WITNESSES_FILE; bad: exit 2).
  const witnesses = configuredWitnesses(process.env);
  // The time-stamp authority of each new seal (AOS_TSA_URL; none: seals are not time-stamped).
  const tsaUrl = configuredTsa(process.env);
  // The server (fastify) is loaded only by this command, never by the others' start-up.
  const [{ serve }, { ListenFailure }, { systemClock }] = await Promise.all([
    import('../../server/serve.js'),
    import('../../server/listen-failure.js'),
    import('../../adapters/system-clock.js'),
  ]);
  try {
    await serve({
      listen: listen.right,
      ingest: settings,
      requestTimeoutMs,
      withDatabase: (work) =>
        withRuntime(
          async (runtime) =>
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
                ...(witnesses.length === 0
                  ? {}
                  : { cosignHead: await headCosigner(runtime, keys, witnesses) }),
                ...(tsaUrl === null ? {} : { stampSeals: await sealStamper(runtime, tsaUrl) }),
              },
            }),
          process.env,
          { releaseOnSignal: false },
        ),
      exitNow: (code) => process.exit(code),
    });
  } catch (error) {
    if (error instanceof ListenFailure) throw cannotListen(args.listen, error);
    throw error;
  }
};

const handler = (args: ArgsOf<typeof builder>): Promise<void> => runUntilStopped(() => serveToEnd(args));

export const serveCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
