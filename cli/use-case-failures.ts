import type { LedgerReadError } from '../application/ledger/read-tenant-ledger.js';
import type { ProjectionError } from '../application/ports/read-model.js';
import type { ResumeRefused } from '../application/runs/resume-and-prove.js';
import type { AfterRunError, RunUseCaseError } from '../application/runs/run-and-prove.js';
import type { RunCutOff } from '../application/runs/run-cut-off.js';
import { CliFailure, notFound, usageError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeRunExecutionError } from './run-execution-messages.js';
import { storeFailure } from './runtime.js';

const describeJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** What the projections failed at, as a message. */
export const describeProjectionError = (error: ProjectionError): string => describeJson(error);

/** `aos runs resume` of this run: it continues a run cut off, seals and proves one completed. */
const resumeCommandOf = (tenantId: string, runId: string): string =>
  `aos runs resume --tenant-id ${tenantId} --run-id ${runId}`;

/** A failure that left a run recorded but not at its end or its proof: the message and the JSON
 * error name the run and the command that takes it from there. */
const withResumeCommand = (
  failure: CliFailure,
  tenantId: string,
  runId: string,
  advice: string,
): CliFailure => {
  const resumeCommand = resumeCommandOf(tenantId, runId);
  return new CliFailure(
    failure.exitCode,
    failure.code,
    `${failure.message}; ${advice} with ${resumeCommand}`,
    failure.field,
    { run_id: runId, resume_command: resumeCommand },
  );
};

/** A run recorded but not brought to its end or its proof: named, with the command that goes on. */
const unfinishedRunFailure = (error: AfterRunError | RunCutOff, tenantId: string): CliFailure => {
  switch (error.kind) {
    case 'run_cut_off':
      return withResumeCommand(
        storeFailure(error.error),
        error.tenant_id,
        error.run_id,
        `run ${error.run_id} is recorded up to its last append: continue it`,
      );
    case 'seal_failed':
      return withResumeCommand(
        new CliFailure(
          ExitCode.infrastructure,
          'seal_failed',
          `run ${error.run_id} is recorded (${error.outcome}) but could not be sealed: ${JSON.stringify(error.error)}`,
        ),
        tenantId,
        error.run_id,
        'seal and prove it',
      );
    case 'projection_failed':
      return withResumeCommand(
        new CliFailure(
          ExitCode.infrastructure,
          'projection_failed',
          `run ${error.run_id} is recorded, but projecting it failed: ${describeProjectionError(error.error)}`,
        ),
        tenantId,
        error.run_id,
        'project and prove it',
      );
    case 'still_running':
      return new CliFailure(
        ExitCode.failed,
        'still_running',
        `run ${error.run_id} is still running: another process kept appending to it while this request proved it (${error.waited_ms} ms); nothing was executed again; prove it with aos proof --tenant-id ${tenantId} --run-id ${error.run_id}`,
        undefined,
        { run_id: error.run_id },
      );
  }
};

/** Turns a run that could not be recorded, found, sealed, projected or resumed into the CLI's failure. */
export const runFailure = (
  error: RunUseCaseError | ResumeRefused,
  tenantId: string,
  agentId?: string,
): CliFailure => {
  switch (error.kind) {
    case 'run_not_found':
      return notFound(`run ${error.run_id} not found in tenant ${tenantId}`);
    case 'idempotency_key_reused':
      return usageError(
        'idempotency-key',
        `is already used by run ${error.run_id} with a different ${error.field}; nothing was written`,
      );
    case 'domain':
      if (error.error.kind === 'agent_not_found')
        return notFound(
          `agent ${agentId ?? error.error.agent_id} not found in tenant ${tenantId}; nothing was written`,
        );
      return new CliFailure(ExitCode.failed, 'run_not_recorded', describeRunExecutionError(error));
    case 'store':
      if (error.error.kind === 'version_conflict') {
        return new CliFailure(
          ExitCode.failed,
          'concurrent_writer',
          `another process is executing this run (it appended to ${error.error.streamId} first: expected version ${error.error.expected}, found ${error.error.actual}); this one stopped, and the append it was making wrote nothing`,
        );
      }
      return storeFailure(error.error);
    case 'run_cut_off':
    case 'seal_failed':
    case 'projection_failed':
    case 'still_running':
      return unfinishedRunFailure(error, tenantId);
    case 'run_sealed':
      return new CliFailure(
        ExitCode.failed,
        'run_sealed',
        `run ${error.run_id} was sealed (ledger index ${error.ledger_index}) and its events no longer match the seal (${error.reason}); it is not resumed`,
      );
    default:
      return new CliFailure(ExitCode.failed, 'run_not_recorded', describeRunExecutionError(error));
  }
};

/** A tenant ledger that could not be read: the store's failure, or a damaged ledger (exit 1). */
export const ledgerFailure = (error: LedgerReadError): CliFailure =>
  error.kind === 'store'
    ? storeFailure(error.error)
    : new CliFailure(
        ExitCode.failed,
        'ledger_damaged',
        `the ledger of tenant ${error.tenant_id} is damaged at index ${error.damage.seq}: ${error.damage.message}`,
      );

/** The catch-up warning on stderr: the proof then reports what the projections hold. */
export const warnCatchUp = (error: ProjectionError): void => {
  process.stderr.write(
    `warning: the projections could not catch up with this run (${error.kind}); proving what they hold\n`,
  );
};
