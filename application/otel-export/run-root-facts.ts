import * as E from 'fp-ts/lib/Either.js';
import { agentFromEvents } from '../../domain/agent/agent-lookup.js';
import type { ProofFacts } from '../../domain/otel-export/root-span.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { agentStreamId } from '../../domain/stream-names.js';
import { proveCaughtUp } from '../projections/catch-up.js';
import type { CompletedRun } from '../ports/run-catalog.js';
import type { Services } from '../services.js';
import type { OtelExportError } from './otel-export-error.js';

/** The agent's registered name; its id when its record is missing or unreadable here. */
export const agentName = async (store: EventStore, tenantId: string, agentId: string): Promise<string> => {
  const events = await store.readStream(tenantId, agentStreamId(agentId))();
  const agent = E.isRight(events) ? agentFromEvents(events.right) : E.right(undefined);
  return E.isRight(agent) && agent.right !== undefined ? agent.right.name : agentId;
};

/** The run proved by the same use case as `aos proof` (projections caught up first): its verdict,
 * its root hash and the key its seal is signed with. */
export const proofFacts = async (
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
