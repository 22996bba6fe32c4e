import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { ProjectionError } from '../../application/ports/read-model.js';
import { CliFailure, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { withRuntime } from '../runtime.js';
import { withJson, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const jsonOnly = (yargs: Argv) => withJson(yargs);
type Args = ArgsOf<typeof jsonOnly>;

const status = async (args: Args) =>
  runAndPrint(args, async () =>
    withRuntime(async ({ readModel, eventStore }) => {
      // With EventStoreDB the events are not in this database: the counts would be zeros, so none are shown.
      const counted = eventStore === 'postgres';
      const projections = await readModel.queries.projectionStatus(counted);
      return {
        exitCode: ExitCode.ok,
        json: { projections },
        text: projections
          .map(
            (p) =>
              `${p.name}: position ${p.transaction_id}/${p.global_position}${counted ? `, ${p.pending_events} of ${p.total_events} events pending` : ' (events in EventStoreDB: not counted here)'}`,
          )
          .join('\n'),
      };
    }),
  );

/** The projector fed by EventStoreDB's catch-up subscription, until SIGINT/SIGTERM. */
const follow = async (args: Args) =>
  runAndPrint(args, async () => {
    return withRuntime(async ({ followProjections }) => {
      if (followProjections === null)
        throw new CliFailure(
          ExitCode.usage,
          'unsupported',
          'projections follow needs AOS_EVENTSTORE_URL (with Postgres, every aos run projects its own events)',
        );
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let applied = 0;
      try {
        await followProjections({
          signal: stop.signal,
          onApplied: (_checkpoint, events) => {
            applied += events;
          },
          onError: (error) =>
            process.stderr.write(
              `projections follow: ${shown(error instanceof Error ? error.message : String(error))}; resubscribing from the checkpoint\n`,
            ),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      return {
        exitCode: ExitCode.ok,
        json: { applied_events: applied },
        text: `stopped after projecting ${applied} events`,
      };
    });
  });

const rebuildFailure = (error: ProjectionError): CliFailure =>
  new CliFailure(
    ExitCode.failed,
    'rebuild_failed',
    `rebuild failed, the tables are unchanged: ${JSON.stringify(error, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
  );

const rebuild = async (args: Args) =>
  runAndPrint(args, async () => {
    const { progressBar } = await import('../progress-bar.js');
    return withRuntime(async ({ readModel }) => {
      const started = performance.now();
      // No total is known before the replay: the bar counts the events replayed.
      const bar = await progressBar('rebuilding the trace tables: {value} events replayed');
      bar.start(0);
      const rebuilt = await readModel.projections
        .rebuild({ batchSize: 1000, onPage: (applied) => bar.update(applied) })
        .finally(bar.stop);
      const { applied } = pipe(rebuilt, orThrow(rebuildFailure));
      const seconds = (performance.now() - started) / 1000;
      return {
        exitCode: ExitCode.ok,
        json: { events_replayed: applied, seconds: Number(seconds.toFixed(3)) },
        text: `rebuilt the trace tables from ${applied} events in ${seconds.toFixed(2)} s`,
      };
    });
  });

export const projectionsCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'status',
        describe: 'checkpoint and pending events',
        builder: jsonOnly,
        handler: status,
      })
      .command({
        command: 'follow',
        describe:
          'with EventStoreDB: project events as they arrive (catch-up subscription), until SIGINT/SIGTERM',
        builder: jsonOnly,
        handler: follow,
      })
      .command({
        command: 'rebuild',
        describe: 'replay every event into empty tables, in one transaction',
        builder: jsonOnly,
        handler: rebuild,
      })
      .demandCommand(1),
  handler: () => undefined,
};
