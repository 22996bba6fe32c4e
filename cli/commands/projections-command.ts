import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { CliFailure } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { withRuntime } from '../runtime.js';
import { withJson } from './common-options.js';

type Args = { json: boolean };

const status = async (args: ArgumentsCamelCase<Args>) =>
  runAndPrint(args, async () =>
    withRuntime(async ({ pool, eventStore }) => {
      const { rows } = await pool.query<{
        name: string;
        transaction_id: string;
        global_position: string;
        updated_at: Date;
        pending: string;
        total: string;
      }>(
        `SELECT c.name, c.transaction_id, c.global_position, c.updated_at,
                (SELECT count(*) FROM aos_events e WHERE (e.transaction_id::text::bigint, e.global_position) > (c.transaction_id, c.global_position)) AS pending,
                (SELECT count(*) FROM aos_events) AS total
           FROM aos_projection_checkpoints c ORDER BY c.name`,
      );
      // With EventStoreDB the events are not in this database: the counts would be zeros, so none are shown.
      const counted = eventStore === 'postgres';
      const projections = rows.map((r) => ({
        name: r.name,
        transaction_id: r.transaction_id,
        global_position: r.global_position,
        pending_events: counted ? Number(r.pending) : null,
        total_events: counted ? Number(r.total) : null,
        updated_at: r.updated_at.toISOString(),
      }));
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
const follow = async (args: ArgumentsCamelCase<Args>) =>
  runAndPrint(args, async () => {
    const { followProjections } = await import('../../adapters/eventstoredb/catch-up-feed.js');
    return withRuntime(async ({ pool, store, subscribe }) => {
      if (subscribe === null)
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
        await followProjections(
          pool,
          { store, subscribe },
          {
            signal: stop.signal,
            onApplied: (_checkpoint, events) => {
              applied += events;
            },
            onError: (error) =>
              process.stderr.write(
                `projections follow: ${error instanceof Error ? error.message : String(error)}; resubscribing from the checkpoint\n`,
              ),
          },
        );
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

const rebuild = async (args: ArgumentsCamelCase<Args>) =>
  runAndPrint(args, async () => {
    const { rebuildProjections } = await import('../../adapters/postgres/read-model/rebuild.js');
    return withRuntime(async ({ pool, store }) => {
      const started = performance.now();
      const result = await rebuildProjections(pool, store, { batchSize: 1000 });
      if (result._tag === 'Left')
        throw new CliFailure(
          ExitCode.failed,
          'rebuild_failed',
          `rebuild failed, the tables are unchanged: ${JSON.stringify(result.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
        );
      const seconds = (performance.now() - started) / 1000;
      return {
        exitCode: ExitCode.ok,
        json: { events_replayed: result.right.applied, seconds: Number(seconds.toFixed(3)) },
        text: `rebuilt the trace tables from ${result.right.applied} events in ${seconds.toFixed(2)} s`,
      };
    });
  });

export const projectionsCommand: CommandModule = {
  command: 'projections <action>',
  describe: 'inspect or rebuild the trace tables',
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'status',
        describe: 'checkpoint and pending events',
        builder: (y: Argv) => withJson(y),
        handler: status as never,
      })
      .command({
        command: 'follow',
        describe:
          'with EventStoreDB: project events as they arrive (catch-up subscription), until SIGINT/SIGTERM',
        builder: (y: Argv) => withJson(y),
        handler: follow as never,
      })
      .command({
        command: 'rebuild',
        describe: 'replay every event into empty tables, in one transaction',
        builder: (y: Argv) => withJson(y),
        handler: rebuild as never,
      })
      .demandCommand(1),
  handler: () => undefined,
};
