import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { notFound, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { runFailure, warnCatchUp } from '../use-case-failures.js';
import * as E from 'fp-ts/lib/Either.js';
import { describePlanProblems } from '../../domain/plan/plan-validation.js';
import type { PlanningAttempted } from '../../domain/run/run-events.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { withJson, withRunId, withTenant, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

/** One exchange with the planner's model, on one line (`--json` has the messages and the answer). */
const planningLine = (a: PlanningAttempted): string =>
  shown(
    `planning attempt ${a.attempt}: ${a.outcome}, model ${a.answer?.model ?? a.model}, ${a.latency_ms} ms, ${a.cost_cents} cents` +
      (a.usage ? `, ${a.usage.total_tokens} tokens` : '') +
      (a.failure ? `, ${a.failure.code}: ${a.failure.message}` : '') +
      (a.validation_errors.length > 0 ? `, refused: ${describePlanProblems(a.validation_errors)}` : ''),
  );

const getOptions = (yargs: Argv) => withJson(withRunId(withTenant(yargs)));
const listOptions = (yargs: Argv) =>
  withJson(withTenant(yargs)).option('limit', {
    type: 'string',
    describe: 'at most this many (1-10000, default 50)',
  });
const resumeOptions = (yargs: Argv) =>
  withJson(withRunId(withTenant(yargs)))
    .option('rerun-interrupted', {
      type: 'boolean',
      default: false,
      describe: 'run the step that may have been in flight again even when its skill is not idempotent',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'print no sign of life on stderr (each step as it ends)',
    });

const get = async (args: ArgsOf<typeof getOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const { getRun } = await import('../../application/runs/run-queries.js');
    const { runPlanningAttempts } = await import('../../application/planning/run-planning-attempts.js');
    const { readLateSpans } = await import('../../application/ingest/late-spans.js');
    return withRuntime(async (runtime) => {
      const run = await getRun(runtime, tenantId, runId, warnCatchUp);
      if (!run) throw notFound(`run ${runId} not found in tenant ${tenantId}`);
      const planning = await runPlanningAttempts(runtime.store, tenantId, runId);
      if (E.isLeft(planning)) throw storeFailure(planning.left);
      const late =
        run.observation === null ? E.right([]) : await readLateSpans(runtime.store)(tenantId, runId)();
      if (E.isLeft(late)) throw storeFailure(late.left);
      const lateSpans = late.right.map((l) => ({
        span_id: l.span.span_id,
        name: l.span.name,
        received_at: l.received_at,
      }));
      const text = Object.entries(run)
        .map(
          ([k, v]) => `${k}: ${shown(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))}`,
        )
        .concat(planning.right.map(planningLine))
        .concat(
          lateSpans.map(
            (l) =>
              `late span: ${l.span_id} ${shown(l.name)} received ${l.received_at}, after the run was sealed (not part of it)`,
          ),
        )
        .join('\n');
      return {
        exitCode: ExitCode.ok,
        json: {
          ...run,
          planning: planning.right,
          ...(run.observation === null ? {} : { late_spans: lateSpans }),
        },
        text,
      };
    });
  });

const list = async (args: ArgsOf<typeof listOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const limit = decodeIntegerOption(intBetween(1, 10_000), 'limit', args.limit ?? 50);
    const { listRuns } = await import('../../application/runs/run-queries.js');
    return withRuntime(async (runtime) => {
      const runs = await listRuns(runtime, tenantId, limit);
      return {
        exitCode: ExitCode.ok,
        json: { tenant_id: tenantId, runs },
        table: {
          head: ['run_id', 'agent_id', 'status', 'recorded', 'created_at', 'goal'],
          rows: runs.map((r) => [
            r.run_id,
            r.agent_id,
            r.status,
            // observed: recorded from an OpenTelemetry trace after it ran (aos serve), no plan before it.
            r.observation === null ? 'planned' : 'observed',
            r.created_at,
            r.goal.length > 60 ? `${r.goal.slice(0, 59)}…` : r.goal,
          ]),
          wrap: ['goal'],
        },
      };
    });
  });

/** Continues a run whose process died (its completion seals it) and proves it; refuses a completed
 * run without a seal. */
const resume = async (args: ArgsOf<typeof resumeOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const { keysDirectoryOf, requireRunKeys } = await import('../signing-keys.js');
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    const [{ resumeAndProve }, { runExecutionDeps }, { proofLines }, { configuredTsa }, { watchRun }] =
      await Promise.all([
        import('../../application/runs/resume-and-prove.js'),
        import('../run-execution-deps.js'),
        import('../run-proof-report.js'),
        import('../tsa-config.js'),
        import('../run-signs-of-life.js'),
      ]);
    const tsaUrl = configuredTsa(process.env);
    const watch = watchRun(tenantId, { quiet: args.quiet, runId });
    return withRuntime(async (runtime) => {
      const policy = args['rerun-interrupted'] ? 'rerun' : 'rerun_if_idempotent';
      const deps = { ...(await runExecutionDeps(runtime)), progress: watch.progress };
      const { status, attempt, proof, alreadyCompleted } = pipe(
        await resumeAndProve(deps, keys, tenantId, runId, policy),
        orThrow((error) => runFailure(error, tenantId)),
      );
      if (!alreadyCompleted && proof.seal.status === 'sealed') {
        const { timestampAfterSealing } = await import('../timestamp-after-sealing.js');
        await timestampAfterSealing(runtime, proof, tsaUrl);
      }
      const verified = proof.integrity.verification_status === 'VERIFIED';
      // A run that had completed (and was sealed) before is only proved: say nothing ran.
      const note = alreadyCompleted ? `run ${runId} had already completed: no step was run` : null;
      return {
        exitCode: status === 'succeeded' && verified ? ExitCode.ok : ExitCode.failed,
        json: {
          run_id: runId,
          tenant_id: tenantId,
          status,
          attempt,
          trace_count: proof.aos_traces.length,
          step_count: proof.step_count,
          integrity: proof.integrity,
          seal: proof.seal,
          ...(note ? { note } : {}),
        },
        text: [
          `Run ID: ${runId}`,
          `Tenant ID: ${tenantId}`,
          `Status: ${status}`,
          ...(note ? [`Note: ${note}`] : []),
          ...proofLines(proof),
        ].join('\n'),
      };
    }).finally(watch.stop);
  });

export const runsCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'resume',
        describe: 'continue a run whose process died, from its first step without a record',
        builder: resumeOptions,
        handler: resume,
      })
      .command({
        command: 'get',
        describe: 'one run with its plan',
        builder: getOptions,
        handler: get,
      })
      .command({
        command: 'list',
        describe: 'the latest runs',
        builder: listOptions,
        handler: list,
      })
      .demandCommand(1),
  handler: () => undefined,
};
