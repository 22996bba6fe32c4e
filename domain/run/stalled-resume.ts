import type { StoredEvent } from '../ports/event-store.js';
import type { InterruptedStepPolicy } from './interrupted-step-policy.js';

/**
 * A resume claims a run with `RunStarted` before it runs the step that may have been in flight.
 * When that step stops the process every time it runs (it once did: an answer nested too deep to
 * record overflowed the stack), every resume would append another `RunStarted` and stop at the same
 * place, for ever. So a resume that finds the previous resume recorded nothing after its claim does
 * not run that step a third time: it records it as interrupted, as it does for a step that is not
 * idempotent, and the run goes on from there (or fails). `--rerun-interrupted` still runs it.
 */

/** The stream ends with the `RunStarted` of a resume (not the first attempt's): that resume
 * claimed the run and stopped before it recorded anything. */
export const lastResumeRecordedNothing = (events: readonly StoredEvent[]): boolean =>
  events.at(-1)?.type === 'RunStarted' && events.filter((e) => e.type === 'RunStarted').length > 1;

/** How the step in flight is treated: as asked, except that after a resume that recorded nothing
 * an idempotent step is not run again either. */
export const interruptedStepPolicyAfter = (
  requested: InterruptedStepPolicy,
  previousResumeRecordedNothing: boolean,
): InterruptedStepPolicy =>
  requested === 'rerun_if_idempotent' && previousResumeRecordedNothing ? 'record_interrupted' : requested;

/** Why the step that may have been in flight was recorded as interrupted instead of run again, in
 * the record itself; `attempt` is the resume's. */
export const interruptionMessage = (policy: InterruptedStepPolicy, skill: string, attempt: number): string =>
  policy === 'record_interrupted'
    ? `the processes running attempts ${attempt - 2} and ${attempt - 1} of this run both stopped while this step may have been running, and the resume of attempt ${attempt - 1} recorded nothing: the step is not run a third time (resume with --rerun-interrupted to run it anyway)`
    : `the process running attempt ${attempt - 1} of this run stopped while this step may have been running; ${skill} with these params is not idempotent, so it was not run again (resume with --rerun-interrupted to run it anyway)`;
