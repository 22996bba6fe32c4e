import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { observedRunCommands, type ObservedRun } from '../../domain/observed/observed-run.js';
import type { StoredEvent } from '../../domain/ports/event-store.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { decodeRunEvent } from '../../domain/run/run-events.js';
import { emptyRunStream } from '../../domain/run/run-stream.js';
import { runStreamId } from '../../domain/stream-names.js';
import { createRunWriter, type RunWriteError, type RunWriterDeps } from '../runs/run-writer.js';
import { ensureObservedAgent, type ObservedAgentError } from './observed-agent.js';

export type RecordObservedRunError = ObservedAgentError | RunWriteError;

/** What became of an observed run: recorded now, or found already recorded (a crash between the
 * append and the staging's mark, or another server) with the spans it holds. */
export type RecordedRun = {
  readonly run_id: string;
  readonly outcome: 'recorded' | 'already_recorded';
  readonly span_ids: readonly string[];
};

/** The span id a step of an observed run records (params.span.span_id). */
const stepSpanId = (params: JsonObject): string[] => {
  const span = params.span;
  return typeof span === 'object' && span !== null && !Array.isArray(span) && typeof span.span_id === 'string'
    ? [span.span_id]
    : [];
};

/** The spans a stored observed run holds: its root (RunObserved) and its steps, each event decoded. */
const recordedSpanIds = (events: readonly StoredEvent[]): string[] =>
  events.flatMap((stored) => {
    const decoded = decodeRunEvent(stored.type, stored.data);
    if (E.isLeft(decoded)) return [];
    const event = decoded.right;
    if (event.type === 'RunObserved') return [event.data.root_span_id];
    return event.type === 'StepExecuted' ? stepSpanId(event.data.params) : [];
  });

const isNewStreamConflict = (error: RecordObservedRunError): boolean =>
  error.kind === 'store' && error.error.kind === 'version_conflict';

/**
 * Records an observed run whole, in one append that seals it: created, observed, started, its
 * steps, completed, with its seal in the tenant ledger (appendSealedCompletion), after registering
 * its agent on first sight. The run's stream is new (version 0): if it already exists, the run was
 * recorded before, and nothing is written again.
 */
export const recordObservedRun =
  (deps: RunWriterDeps & Required<Pick<RunWriterDeps, 'signer'>>) =>
  (run: ObservedRun): TE.TaskEither<RecordObservedRunError, RecordedRun> =>
    pipe(
      ensureObservedAgent(deps)(run.tenant_id, run.agent),
      TE.chainW((agent) => async () => {
        const writer = createRunWriter(deps, emptyRunStream(run.tenant_id, run.run_id));
        const staged = writer.stage(observedRunCommands(run, agent.budget_cents));
        if (E.isLeft(staged)) return staged;
        return writer.flush();
      }),
      TE.map((): RecordedRun => ({ run_id: run.run_id, outcome: 'recorded', span_ids: run.span_ids })),
      TE.orElse((error) =>
        isNewStreamConflict(error)
          ? pipe(
              deps.store.readStream(run.tenant_id, runStreamId(run.run_id)),
              TE.mapLeft((storeError): RecordObservedRunError => ({ kind: 'store', error: storeError })),
              TE.map((events): RecordedRun => ({
                run_id: run.run_id,
                outcome: 'already_recorded',
                span_ids: recordedSpanIds(events),
              })),
            )
          : TE.left(error),
      ),
    );
