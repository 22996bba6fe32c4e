import pg from 'pg';
import type { Services } from '../application/services.js';
import type { EventStoreDb } from './eventstoredb/eventstoredb-event-store.js';
import { runCatchUpFeed, type CatchUpFeedOptions } from './eventstoredb/catch-up-feed.js';
import { migrate } from './postgres/migrator.js';
import { postgresEventStore } from './postgres/postgres-event-store.js';
import { postgresSpanStaging } from './postgres/postgres-span-staging.js';
import { postgresExportCheckpoints } from './postgres/postgres-export-checkpoints.js';
import { postgresIngestTokens } from './postgres/postgres-ingest-tokens.js';
import { postgresLedgerHeads } from './postgres/postgres-ledger-heads.js';
import { postgresSealTimestamps } from './postgres/postgres-seal-timestamps.js';
import { postgresRunCatalog } from './postgres/postgres-run-catalog.js';
import { postgresReadModel } from './postgres/read-model/postgres-read-model.js';
import type { DatabaseConnections } from './postgres/roles/database-connections.js';
import { type RolePools, rolePools } from './postgres/roles/role-pools.js';
import { builtinSkillRegistry } from './skills/builtin-skill-registry.js';

/** How the projections follow EventStoreDB's catch-up subscription, until the signal stops it. */
export type FollowProjections = (
  options: Pick<CatchUpFeedOptions, 'signal' | 'maxBatch' | 'retryDelayMs' | 'onError' | 'onApplied'>,
) => Promise<void>;

/** The services of one database, open until `close()`. */
export type OpenServices = {
  readonly services: Services;
  /** Where the events live: `postgres` (aos_events in this database) or `eventstoredb`. */
  readonly eventStore: 'postgres' | 'eventstoredb';
  /** The projector fed by EventStoreDB's catch-up subscription (null on Postgres, where every
   * writer projects its own events). One such process per Postgres database. */
  readonly followProjections: FollowProjections | null;
  /** Applies the migrations not yet recorded, and says which are applied. */
  migrate(): ReturnType<typeof migrate>;
  /** A `SELECT 1` on the pool: rejects when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

/** What a command does with the events: `write` (appends, as aos_writer, in the tenant it names)
 * or `audit` (reads only, as aos_auditor: proofs, exports, verify-all; an append is refused). */
export type EventAccess = 'write' | 'audit';

/** The ports, each on the pool of its role. */
const servicesOn = (pools: RolePools, eventStoreDb: EventStoreDb | null, access: EventAccess): Services => {
  const pool = pools.pool;
  const events = pool(access === 'audit' ? 'auditor' : 'writer');
  const store = eventStoreDb?.store ?? postgresEventStore(events);
  // The projector reads every tenant's events: its own store, on its own pool.
  const projectorStore = eventStoreDb?.store ?? postgresEventStore(pool('projector'));
  return {
    store,
    readModel: postgresReadModel(
      { projector: pool('projector'), auditor: pool('auditor'), reader: pool('reader') },
      projectorStore,
    ),
    catalog: eventStoreDb ? null : postgresRunCatalog(pool('auditor')),
    skills: builtinSkillRegistry(),
    ingestTokens: postgresIngestTokens(events),
    spanStaging: postgresSpanStaging(events),
    exportCheckpoints: postgresExportCheckpoints(pool('projector')),
    // Sweeps of every tenant (no tenant named) find their work as aos_auditor.
    ledgerHeads: postgresLedgerHeads(events, pool('auditor')),
    sealTimestamps: postgresSealTimestamps(events, pool('auditor')),
  };
};

/** Opens the services of one database (already migrated), each port on the pool of the role it
 * needs (docs/DATABASE-ROLES.md): events as aos_writer (or aos_auditor for `access: 'audit'`), the
 * projections as aos_projector, the proofs' reads and the run catalog as aos_auditor, the queries
 * as aos_reader. A pool connects only when its port is used. With `eventStoreUrl` the events live
 * in EventStoreDB (docs/EVENTSTOREDB.md) and only projections and checkpoints in this database.
 * Throws what opening EventStoreDB refused (a malformed URL), with nothing left open. */
export const openServices = async (
  connections: DatabaseConnections,
  options: { readonly eventStoreUrl?: string | undefined; readonly access?: EventAccess } = {},
): Promise<OpenServices> => {
  const pools = rolePools(connections);
  let eventStoreDb: EventStoreDb | null = null;
  if (options.eventStoreUrl) {
    const { openEventStoreDb } = await import('./eventstoredb/eventstoredb-event-store.js');
    try {
      eventStoreDb = openEventStoreDb(options.eventStoreUrl);
    } catch (error) {
      await pools.end();
      throw error;
    }
  }
  const services = servicesOn(pools, eventStoreDb, options.access ?? 'write');
  const { readModel } = services;
  const subscribe = eventStoreDb?.subscribe ?? null;
  return {
    services,
    eventStore: eventStoreDb ? 'eventstoredb' : 'postgres',
    followProjections:
      subscribe === null
        ? null
        : (feed) =>
            runCatchUpFeed({
              ...feed,
              subscribe,
              readCheckpoint: () => readModel.projections.checkpoint(),
              apply: (batch) => readModel.projections.applyBatch(batch),
            }),
    migrate: async () => {
      const admin = new pg.Pool({ connectionString: connections.adminUrl, max: 1 });
      admin.on('error', () => undefined);
      try {
        return await migrate(admin);
      } finally {
        await admin.end().catch(() => undefined);
      }
    },
    ping: async () => {
      await pools.pool('reader').query('SELECT 1');
    },
    close: async () => {
      await eventStoreDb?.close().catch(() => undefined);
      await pools.end();
    },
  };
};
