import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { notFound, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeOption } from '../input-validation.js';
import { storeFailure, withAuditRuntime } from '../runtime.js';
import { withJson, withRunId, withTenant, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const builder = (yargs: Argv) => withJson(withRunId(withTenant(yargs)));

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const { readRunEvents } = await import('../../application/runs/read-run-events.js');
    return withAuditRuntime(async ({ store }) => {
      const events = pipe(await readRunEvents(store, tenantId, runId), orThrow(storeFailure));
      if (events.length === 0) throw notFound(`run ${runId} not found in tenant ${tenantId}`);
      return {
        exitCode: ExitCode.ok,
        json: { tenant_id: tenantId, run_id: runId, events },
        text: events
          .map(
            (e) =>
              `${e.seq}\t${shown(e.recorded_at)}\t${shown(e.type)}\t${e.link}\t${shown(JSON.stringify(e.data))}`,
          )
          .join('\n'),
      };
    });
  });

export const eventsCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
