import * as E from 'fp-ts/lib/Either.js';
import { nextStepSpans, runRootSpan, startRunSpans } from '../../domain/otel-export/run-spans.js';
import type { RunCompleted, RunCreated } from '../../domain/run/run-events.js';
import type { CompletedRun } from '../ports/run-catalog.js';
import type { SpanExporter } from '../ports/span-exporter.js';
import { runEvents } from '../runs/run-events.js';
import type { Services } from '../services.js';
import type { OtelExportError } from './otel-export-error.js';
import { exportedEvent } from './run-export-events.js';
import { agentName, proofFacts } from './run-root-facts.js';
import type { RetryPolicy } from './send-with-retry.js';
import { spanBatches } from './span-batches.js';

export type RunExportDeps = {
  readonly services: Pick<Services, 'store' | 'readModel'>;
  readonly knownKeys: ReadonlyMap<string, Uint8Array>;
  readonly exporter: SpanExporter;
  readonly retry: RetryPolicy;
};

const exportFailed = (
  run: CompletedRun,
  failure: { readonly attempts: number; readonly message: string },
): E.Either<OtelExportError, never> =>
  E.left({
    kind: 'export_failed',
    tenant_id: run.tenant_id,
    run_id: run.run_id,
    attempts: failure.attempts,
    message: failure.message,
  });

type Opened = { readonly at: string; readonly data: RunCreated };
type Closed = { readonly at: string; readonly data: RunCompleted };

/** The run's steps read and sent as spans a request at a time, in bounded memory; what opened
 * and closed the run, for its root span. */
const sendSteps = async (
  deps: RunExportDeps,
  run: CompletedRun,
  fold: ReturnType<typeof startRunSpans>,
): Promise<
  E.Either<OtelExportError, { opened: Opened; closed: Closed; batches: ReturnType<typeof spanBatches> }>
> => {
  const failed = (message: string): E.Either<OtelExportError, never> =>
    E.left({ kind: 'run_unreadable', tenant_id: run.tenant_id, run_id: run.run_id, message });
  let opened: Opened | undefined;
  let closed: Closed | undefined;
  let batches: ReturnType<typeof spanBatches> | undefined;
  const events = runEvents(deps.services.store, run.tenant_id, run.run_id);
  try {
    let next = await events.next();
    for (; !next.done; next = await events.next()) {
      const event = exportedEvent(next.value);
      if (E.isLeft(event)) return failed(event.left);
      if (event.right?.kind === 'created') {
        opened = event.right;
        batches = spanBatches(deps.exporter, deps.retry, opened.data.origin_system_id);
      } else if (event.right?.kind === 'completed') closed = event.right;
      else if (event.right?.kind === 'step') {
        if (batches === undefined) return failed('a step before the run was created');
        const added = await batches.add(nextStepSpans(fold, event.right.recorded));
        if (E.isLeft(added)) return exportFailed(run, added.left);
      }
    }
    if (next.value !== null) return E.left({ kind: 'store', error: next.value });
  } finally {
    await events.return(null);
  }
  if (opened === undefined || closed === undefined || batches === undefined)
    return failed('the run has no RunCreated or no RunCompleted');
  return E.right({ opened, closed, batches });
};

/** Sends one completed run's spans: its steps as they are read, then its root span with the
 * proof's facts; says how many spans the endpoint accepted. */
export const exportRun = async (
  deps: RunExportDeps,
  run: CompletedRun,
): Promise<E.Either<OtelExportError, number>> => {
  const fold = startRunSpans(run.tenant_id, run.run_id);
  const steps = await sendSteps(deps, run, fold);
  if (E.isLeft(steps)) return steps;
  const { opened, closed, batches } = steps.right;
  const facts = await proofFacts(deps.services, run, deps.knownKeys);
  if (E.isLeft(facts)) return facts;
  const header = {
    tenant_id: run.tenant_id,
    run_id: run.run_id,
    agent_id: opened.data.agent_id,
    agent_name: await agentName(deps.services.store, run.tenant_id, opened.data.agent_id),
    goal: opened.data.goal,
    origin_system_id: opened.data.origin_system_id,
    completion: closed.data,
  };
  const root = runRootSpan(fold, {
    header,
    created_at: opened.at,
    completed_at: closed.at,
    facts: facts.right,
  });
  const added = await batches.add([root]);
  const sent = E.isRight(added) ? await batches.flush() : added;
  return E.isLeft(sent) ? exportFailed(run, sent.left) : sent;
};
