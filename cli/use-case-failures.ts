import type { LateSealError } from '../application/ledger/seal-run-late.js';
import type { LedgerReadError } from '../application/ledger/read-tenant-ledger.js';
import type { ProjectionError } from '../application/ports/read-model.js';
import type { ResumeRefused } from '../application/runs/resume-and-prove.js';
import type { AfterRunError, RunUseCaseError } from '../application/runs/run-and-prove.js';
import type { RunCutOff } from '../application/runs/run-cut-off.js';
import type { SealedCompletionError } from '../application/runs/sealed-completion.js';
import { CliFailure, notFound, usageError } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeRunExecutionError } from './run-execution-messages.js';
import { storeFailure } from './runtime.js';

type SealNotAppended = Extract<SealedCompletionError, { kind: 'seal_not_appended' }>;

const describeJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** What the projections failed at, as a message. */
export const describeProjectionError = (error: ProjectionError): string => describeJson(error);

/** `aos runs resume` of this run: it continues a run cut off (its completion seals it), proves one completed. */
export const resumeCommandOf = (tenantId: string, runId: string): string =>
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

/** A completion whose seal could not be appended: nothing of it was written, and the run goes on
 * with `aos runs resume` (unless the ledger or the key refuses the seal, which resume would meet
 * again); or, on a store without transactions over streams, the run completed without its seal,
 * which only an operator seals, late. */
const sealNotAppendedFailure = (error: SealNotAppended, tenantId: string): CliFailure => {
  const { cause } = error;
  const exitCode =
    cause.kind === 'ledger_contended' || cause.kind === 'store' ? ExitCode.infrastructure : ExitCode.failed;
  const failure = new CliFailure(exitCode, 'seal_not_appended', describeRunExecutionError(error), undefined, {
    run_id: error.run_id,
  });
  if (error.run_completed || cause.kind === 'seal_refused' || cause.kind === 'sealing_key_not_in_key_set')
    return failure;
  return withResumeCommand(failure, tenantId, error.run_id, 'continue it (its completion seals it)');
};

/** A run recorded but not brought to its end or its proof: named, with the command that goes on. */
const unfinishedRunFailure = (
  error: AfterRunError | RunCutOff | SealNotAppended,
  tenantId: string,
): CliFailure => {
  switch (error.kind) {
    case 'run_cut_off':
      return withResumeCommand(
        storeFailure(error.error),
        error.tenant_id,
        error.run_id,
        `run ${error.run_id} is recorded up to its last append: continue it`,
      );
    case 'seal_not_appended':
      return sealNotAppendedFailure(error, tenantId);
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

/** Turns a run that could not be recorded (with its seal), found, projected or resumed into the CLI's failure. */
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
    case 'seal_not_appended':
    case 'projection_failed':
    case 'still_running':
      return unfinishedRunFailure(error, tenantId);
    case 'run_sealed':
      return new CliFailure(
        ExitCode.failed,
        'run_sealed',
        `run ${error.run_id} was sealed (ledger index ${error.ledger_index}) and its events no longer match the seal (${error.reason}); it is not resumed`,
      );
    case 'completed_without_seal':
      return new CliFailure(
        ExitCode.failed,
        'completed_without_seal',
        `run ${error.run_id} had already completed, but the tenant ledger holds no seal of it (${error.reason}); resume never seals a completed run, and appended nothing. If the run completed before runs were sealed with their completion and its history is checked, an operator seals it with \`aos-int runs seal-late\``,
      );
    case 'planner_not_configured':
      // The operator's configuration, like a usage error: nothing was written.
      return new CliFailure(ExitCode.usage, 'planner_not_configured', describeRunExecutionError(error));
    case 'observed_agent':
      return new CliFailure(ExitCode.usage, 'observed_agent', describeRunExecutionError(error));
    default:
      return new CliFailure(ExitCode.failed, 'run_not_recorded', describeRunExecutionError(error));
  }
};

/** A run that could not be sealed late: not there (exit 3), not to be sealed (exit 1), or the
 * store's failure. */
export const lateSealFailure = (error: LateSealError, tenantId: string): CliFailure => {
  switch (error.kind) {
    case 'run_not_found':
      return notFound(`run ${error.run_id} not found in tenant ${tenantId}`);
    case 'run_not_completed':
      return new CliFailure(
        ExitCode.failed,
        'run_not_completed',
        `run ${error.run_id} has not completed: only a completed run is sealed (\`aos runs resume\` continues it, and its completion seals it); nothing was written`,
      );
    case 'chain_invalid':
      return new CliFailure(
        ExitCode.failed,
        'chain_invalid',
        `run ${error.run_id} is not sealed: its stored events do not verify (${error.reason}); nothing was written`,
      );
    case 'already_sealed':
      return new CliFailure(
        ExitCode.failed,
        'already_sealed',
        `run ${error.run_id} is already sealed (tenant ledger index ${error.ledger_index}, sealed at ${error.sealed_at}); nothing was written`,
      );
    case 'ledger_damaged':
      return new CliFailure(
        ExitCode.failed,
        'ledger_damaged',
        `the ledger of tenant ${error.tenant_id} is damaged at index ${error.damage.seq}: ${error.damage.message}; nothing was sealed`,
      );
    case 'ledger_contended':
      return new CliFailure(
        ExitCode.infrastructure,
        'ledger_contended',
        `the tenant ledger kept moving: ${error.attempts} attempts to append the seal failed; nothing was written`,
      );
    case 'store':
      return storeFailure(error.error);
    case 'sealing_key_not_in_key_set':
      return new CliFailure(
        ExitCode.infrastructure,
        error.kind,
        `the signing key ${error.key_id} is not in the key set: its seal would fail every proof made with these keys; nothing was written`,
      );
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
