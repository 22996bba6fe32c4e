import * as E from 'fp-ts/lib/Either.js';
import { agentFromEvents } from '../../domain/agent/agent-lookup.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { RecordedStep } from '../../domain/otel-export/executed-step-spans.js';
import type { ProofFacts } from '../../domain/otel-export/root-span.js';
import type { RunToExport } from '../../domain/otel-export/run-spans.js';
import type { EventStore, StoredEvent } from '../../domain/ports/event-store.js';
import { decodeRunEvent, type RunCompleted, type RunCreated } from '../../domain/run/run-events.js';
import { agentStreamId, runStreamId } from '../../domain/stream-names.js';
import { proveCaughtUp } from '../projections/catch-up.js';
import type { CompletedRun } from '../ports/run-catalog.js';
import type { Services } from '../services.js';
import type { OtelExportError } from './otel-export-error.js';

type Found = { created?: { at: string; data: RunCreated }; completed?: { at: string; data: RunCompleted } };

/** The events the spans are made of: RunCreated, every StepExecuted, RunCompleted. The others
 * (planning, starts, and kinds this build does not know) say nothing a span carries. */
const collect = (
  events: readonly StoredEvent[],
): E.Either<string, Found & { readonly steps: RecordedStep[] }> => {
  const found: Found = {};
  const steps: RecordedStep[] = [];
  for (const event of events) {
    if (!['RunCreated', 'StepExecuted', 'RunCompleted'].includes(event.type)) continue;
    const decoded = decodeRunEvent(event.type, event.data);
    if (E.isLeft(decoded))
      return E.left(`event ${event.seq} (${event.type}): ${describeDecodeErrors(decoded.left).join('; ')}`);
    const { right } = decoded;
    if (right.type === 'RunCreated') found.created = { at: event.recorded_at, data: right.data };
    else if (right.type === 'RunCompleted') found.completed = { at: event.recorded_at, data: right.data };
    else if (right.type === 'StepExecuted') steps.push({ recorded_at: event.recorded_at, step: right.data });
  }
  return E.right({ ...found, steps });
};

/** The agent's registered name; its id when its record is missing or unreadable here. */
const agentName = async (store: EventStore, tenantId: string, agentId: string): Promise<string> => {
  const events = await store.readStream(tenantId, agentStreamId(agentId))();
  const agent = E.isRight(events) ? agentFromEvents(events.right) : E.right(undefined);
  return E.isRight(agent) && agent.right !== undefined ? agent.right.name : agentId;
};

const proofFacts = async (
  services: Pick<Services, 'store' | 'readModel'>,
  run: CompletedRun,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): Promise<E.Either<OtelExportError, ProofFacts>> => {
  const proved = await proveCaughtUp(services, run.tenant_id, run.run_id, knownKeys);
  if (E.isLeft(proved)) return E.left({ kind: 'store', error: proved.left });
  const { integrity, seal } = proved.right;
  return E.right({
    verification_status: integrity.verification_status,
    root_hash: integrity.root_hash,
    seal_key_id: seal.key_id,
  });
};

/** A completed run with what its spans need: its events, its agent's name, and its proof (made
 * by the same use case as `aos proof`). */
export const readRunToExport = async (
  services: Pick<Services, 'store' | 'readModel'>,
  run: CompletedRun,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): Promise<E.Either<OtelExportError, RunToExport>> => {
  const unreadable = (message: string): E.Either<OtelExportError, never> =>
    E.left({ kind: 'run_unreadable', tenant_id: run.tenant_id, run_id: run.run_id, message });
  const events = await services.store.readStream(run.tenant_id, runStreamId(run.run_id))();
  if (E.isLeft(events)) return E.left({ kind: 'store', error: events.left });
  const found = collect(events.right);
  if (E.isLeft(found)) return unreadable(found.left);
  const { created, completed, steps } = found.right;
  if (created === undefined || completed === undefined)
    return unreadable('the run has no RunCreated or no RunCompleted');
  const facts = await proofFacts(services, run, knownKeys);
  if (E.isLeft(facts)) return facts;
  const header = {
    tenant_id: run.tenant_id,
    run_id: run.run_id,
    agent_id: created.data.agent_id,
    agent_name: await agentName(services.store, run.tenant_id, created.data.agent_id),
    goal: created.data.goal,
    origin_system_id: created.data.origin_system_id,
    completion: completed.data,
  };
  return E.right({ header, created_at: created.at, completed_at: completed.at, steps, facts: facts.right });
};
