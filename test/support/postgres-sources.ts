import type pg from 'pg';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { postgresRunCatalog } from '../../adapters/postgres/postgres-run-catalog.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import type { ProofSources } from '../../application/proof/prove-run.js';
import type { SweepSources } from '../../application/proof/verify-all-runs.js';
import type { EventStore } from '../../domain/ports/event-store.js';

/** The proof's sources on one Postgres pool: its event store and its read model. */
export const postgresProofSources = (
  pool: pg.Pool,
  store: EventStore = postgresEventStore(pool),
): ProofSources => ({
  store,
  reads: postgresReadModel(pool, store).proofReads,
});

/** A sweep's sources on one Postgres pool. */
export const postgresSweepSources = (
  pool: pg.Pool,
  store: EventStore = postgresEventStore(pool),
): SweepSources => ({
  ...postgresProofSources(pool, store),
  catalog: postgresRunCatalog(pool),
});
