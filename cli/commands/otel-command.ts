import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { ExportTally, OtelExportDeps } from '../../application/otel-export/export-completed-runs.js';
import type { OtelExportError } from '../../application/otel-export/otel-export-error.js';
import type { CompletedRun } from '../../application/ports/run-catalog.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { decodeOtelExportOptions } from '../otel-export-options.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { shown } from '../terminal-text.js';
import { withJson, withTenant, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

/** How often --follow looks for newly completed runs. */
const POLL_MS = 1_000;
/** Sends of one batch in all (each retried by the exporter itself first), and their backoff. */
const RETRY = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };

const exportOptions = (yargs: Argv) =>
  withJson(withTenant(yargs))
    .option('endpoint', {
      type: 'string',
      describe: 'the OTLP/HTTP traces URL (e.g. http://127.0.0.1:4318/v1/traces)',
    })
    .option('protocol', { type: 'string', describe: 'http/protobuf (default) or http/json' })
    .option('header', { type: 'string', array: true, describe: 'a request header, NAME=VALUE (repeatable)' })
    .option('follow', {
      type: 'boolean',
      default: false,
      describe:
        'keep a checkpoint in the database, resume from it, and poll for completed runs until SIGINT/SIGTERM',
    });

const exportFailure =
  (endpoint: string) =>
  (error: OtelExportError): CliFailure => {
    switch (error.kind) {
      case 'unsupported':
        return new CliFailure(ExitCode.usage, 'unsupported', error.message);
      case 'store':
        return storeFailure(error.error);
      case 'run_unreadable':
        return new CliFailure(
          ExitCode.failed,
          'run_unreadable',
          `run ${error.run_id} of tenant ${error.tenant_id} cannot be read: ${error.message}; the checkpoint was not moved past it`,
        );
      case 'export_failed':
        return new CliFailure(
          ExitCode.failed,
          'export_failed',
          `${endpoint} did not accept the spans of run ${error.run_id} of tenant ${error.tenant_id} (${error.attempts} attempts): ${error.message}; the checkpoint was not moved past it`,
        );
    }
  };

/** SIGINT/SIGTERM stop --follow once the run in flight is exported. */
const stopSignal = (): { readonly signal: AbortSignal; readonly release: () => void } => {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
};

const exported = (run: CompletedRun, spans: number) =>
  process.stderr.write(
    `exported run ${shown(run.run_id)} of tenant ${shown(run.tenant_id)}: ${spans} spans\n`,
  );

type Stop = ReturnType<typeof stopSignal>;

/** One pass over every completed run, or --follow from the checkpoint until stopped. */
const exportOrFollow = async (
  deps: OtelExportDeps,
  tenantId: string | null,
  endpoint: string,
  stop: Stop | null,
): Promise<ExportTally> => {
  const [{ exportCompletedRuns }, { followExports }] = await Promise.all([
    import('../../application/otel-export/export-completed-runs.js'),
    import('../../application/otel-export/follow-exports.js'),
  ]);
  const tally = { runs: 0, spans: 0 };
  const observer = { exported };
  const done =
    stop === null
      ? await exportCompletedRuns(deps, { tenantId, checkpoint: null }, tally, undefined, observer)
      : await followExports(
          deps,
          { tenantId, checkpoint: { endpoint, tenant_id: tenantId } },
          stop.signal,
          POLL_MS,
          tally,
          observer,
        );
  pipe(done, orThrow(exportFailure(endpoint)));
  return tally;
};

const exportHandler = async (args: ArgsOf<typeof exportOptions>) =>
  runAndPrint(args, async () => {
    const options = decodeOtelExportOptions(args);
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const endpoint = options.endpoint.href;
    const [{ otlpSpanExporter }, keys, { systemClock }] = await Promise.all([
      import('../../adapters/otlp-export/otlp-span-exporter.js'),
      import('../signing-keys.js'),
      import('../../adapters/system-clock.js'),
    ]);
    const knownKeys = await keys.loadKnownKeys(await keys.keysDirectoryOf(process.env));
    const stop = args.follow ? stopSignal() : null;
    const exporter = await otlpSpanExporter({ ...options, url: endpoint });
    try {
      const tally = await withRuntime(
        (runtime) =>
          exportOrFollow(
            {
              services: runtime,
              knownKeys,
              exporter,
              retry: { ...RETRY, sleep: systemClock.sleep, random: Math.random },
              now: systemClock.now,
            },
            tenantId,
            endpoint,
            stop,
          ),
        process.env,
        { releaseOnSignal: stop === null },
      );
      return {
        exitCode: ExitCode.ok,
        json: { endpoint, tenant_id: tenantId, follow: args.follow, runs: tally.runs, spans: tally.spans },
        text: `exported ${tally.runs} runs (${tally.spans} spans) to ${shown(endpoint)}`,
      };
    } finally {
      stop?.release();
      await exporter.close();
    }
  });

export const otelCommand: CommandBody<object> = {
  builder: (yargs) =>
    yargs
      .command({
        command: 'export',
        describe:
          'send completed runs (one tenant, or all) as OpenTelemetry GenAI spans to an OTLP/HTTP endpoint',
        builder: exportOptions,
        handler: exportHandler,
      })
      .demandCommand(1),
  handler: () => undefined,
};
