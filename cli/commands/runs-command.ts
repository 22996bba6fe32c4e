import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { RunIdC, TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, notFound } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { catchUpAllProjections, catchUpRunProjections } from '../../application/projections/catch-up.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { renderTable } from '../table-output.js';
import { withJson, withRunId, withTenant } from './common-options.js';

type GetArgs = { 'tenant-id'?: string; 'run-id'?: string; json: boolean };
type ListArgs = { 'tenant-id'?: string; limit?: string; json: boolean };
type ResumeArgs = GetArgs & { 'rerun-interrupted': boolean };

type RunRow = {
  run_id: string;
  tenant_id: string;
  agent_id: string;
  goal: string;
  origin_system_id: string;
  budget_cents: string;
  status: string;
  attempt: number;
  plan: unknown;
  error: unknown;
  created_at: Date;
  completed_at: Date | null;
  version: number;
};

const runDocument = (r: RunRow) => ({
  run_id: r.run_id,
  tenant_id: r.tenant_id,
  agent_id: r.agent_id,
  goal: r.goal,
  origin_system_id: r.origin_system_id,
  budget_cents: Number(r.budget_cents),
  status: r.status,
  attempt: r.attempt,
  plan: r.plan,
  error: r.error,
  created_at: r.created_at.toISOString(),
  completed_at: r.completed_at?.toISOString() ?? null,
  chain_length: r.version,
});

const get = async (args: ArgumentsCamelCase<GetArgs>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    return withRuntime(async ({ pool, store }) => {
      // A run whose process died before projecting its last events is shown as the store has it.
      await catchUpRunProjections({ pool, store }, tenantId, runId);
      const { rows } = await pool.query<RunRow>('SELECT * FROM runs WHERE tenant_id = $1 AND run_id = $2', [
        tenantId,
        runId,
      ]);
      const row = rows[0];
      if (!row) throw notFound(`run ${runId} not found in tenant ${tenantId}`);
      const run = runDocument(row);
      const text = Object.entries(run)
        .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
        .join('\n');
      return { exitCode: ExitCode.ok, json: run, text };
    });
  });

const list = async (args: ArgumentsCamelCase<ListArgs>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const limit = decodeIntegerOption(intBetween(1, 10_000), 'limit', args.limit ?? 50);
    return withRuntime(async ({ pool, store }) => {
      await catchUpAllProjections({ pool, store });
      const { rows } = await pool.query<RunRow>(
        'SELECT * FROM runs WHERE tenant_id = $1 ORDER BY created_at DESC, run_id LIMIT $2',
        [tenantId, limit],
      );
      const runs = rows.map(runDocument);
      return {
        exitCode: ExitCode.ok,
        json: { tenant_id: tenantId, runs },
        text: await renderTable(
          ['run_id', 'agent_id', 'status', 'created_at', 'goal'],
          runs.map((r) => [r.run_id, r.agent_id, r.status, r.created_at, r.goal.slice(0, 40)]),
        ),
      };
    });
  });

/** Continues a run whose process died, seals it when it completes, and proves it. */
const resume = async (args: ArgumentsCamelCase<ResumeArgs>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const runId = decodeOption(RunIdC, 'run-id', args['run-id']);
    const { keysDirectoryOf, requireRunKeys } = await import('../signing-keys.js');
    const keys = await requireRunKeys(await keysDirectoryOf(process.env));
    const [{ resumeRun }, { orFail, runExecutionDeps, sealProjectProve }, { proofLines }] = await Promise.all(
      [
        import('../../application/runs/resume-run.js'),
        import('../../application/runs/run-and-prove.js'),
        import('../run-proof-report.js'),
      ],
    );
    return withRuntime(async (runtime) => {
      // A run the tenant ledger already sealed is finished: if its events no longer reach the end
      // the seal records, they were cut by someone with write access, and resuming would run its
      // last steps (their side effects) a second time.
      const { proveRun } = await import('../../application/proof/prove-run.js');
      const before = await proveRun(runtime.pool, runtime.store, tenantId, runId, keys.knownKeys);
      // Without a verdict there is no telling whether the seal still holds: stop, resume nothing.
      if (before._tag === 'Left') throw storeFailure(before.left);
      if (before.right.sealed !== null && before.right.integrity.verification_status === 'FAILED') {
        throw new CliFailure(
          ExitCode.failed,
          'run_sealed',
          `run ${runId} was sealed (ledger index ${before.right.sealed.ledger_index}) and its events no longer match the seal (${before.right.integrity.failure_reason}); it is not resumed`,
        );
      }
      const policy = args['rerun-interrupted'] ? 'rerun' : 'rerun_if_idempotent';
      const resumed = orFail(
        await resumeRun(await runExecutionDeps(runtime), tenantId, runId, policy),
        tenantId,
      );
      const proof = await sealProjectProve(runtime, keys, resumed.stream);
      const status = resumed.outcome?.status ?? 'in_progress';
      const state = resumed.stream.state;
      const attempt = state.status === 'completed' || state.status === 'running' ? state.attempt : null;
      const verified = proof.integrity.verification_status === 'VERIFIED';
      // A run that had completed before is only sealed if it was not, and proved: say nothing ran.
      const alreadyCompleted = before.right.found && before.right.seal.status !== 'not_completed';
      const note = alreadyCompleted
        ? `run ${runId} had already completed: no step was run${before.right.seal.status === 'unsealed' ? '; it is now sealed' : ''}`
        : null;
      return {
        exitCode: status === 'succeeded' && verified ? ExitCode.ok : ExitCode.failed,
        json: {
          run_id: runId,
          tenant_id: tenantId,
          status,
          attempt,
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
    });
  });

export const runsCommand: CommandModule = {
  command: 'runs <action>',
  describe: "read and resume a tenant's runs",
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'resume',
        describe: 'continue a run whose process died, from its first step without a record',
        builder: (y: Argv) =>
          withJson(withRunId(withTenant(y))).option('rerun-interrupted', {
            type: 'boolean',
            default: false,
            describe: 'run the step that may have been in flight again even when its skill is not idempotent',
          }),
        handler: resume as never,
      })
      .command({
        command: 'get',
        describe: 'one run with its plan',
        builder: (y: Argv) => withJson(withRunId(withTenant(y))),
        handler: get as never,
      })
      .command({
        command: 'list',
        describe: 'the latest runs',
        builder: (y: Argv) =>
          withJson(withTenant(y)).option('limit', {
            type: 'string',
            describe: 'at most this many (1-10000, default 50)',
          }),
        handler: list as never,
      })
      .demandCommand(1),
  handler: () => undefined,
};
