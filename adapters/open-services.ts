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

/** Opens the services of one database URL (already migrated). With `eventStoreUrl` the events live
 * in EventStoreDB (docs/EVENTSTOREDB.md) and only projections and checkpoints in this database.
 * Throws what opening EventStoreDB refused (a malformed URL), with nothing left open. */
export const openServices = async (
  url: string,
  options: { readonly eventStoreUrl?: string | undefined } = {},
): Promise<OpenServices> => {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  let eventStoreDb: EventStoreDb | null = null;
  if (options.eventStoreUrl) {
    const { openEventStoreDb } = await import('./eventstoredb/eventstoredb-event-store.js');
    try {
      eventStoreDb = openEventStoreDb(options.eventStoreUrl);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }
  const store = eventStoreDb?.store ?? postgresEventStore(pool);
  const readModel = postgresReadModel(pool, store);
  const subscribe = eventStoreDb?.subscribe ?? null;
  return {
    services: {
      store,
      readModel,
      catalog: eventStoreDb ? null : postgresRunCatalog(pool),
      skills: builtinSkillRegistry(),
      ingestTokens: postgresIngestTokens(pool),
      spanStaging: postgresSpanStaging(pool),
      exportCheckpoints: postgresExportCheckpoints(pool),
      ledgerHeads: postgresLedgerHeads(pool),
      sealTimestamps: postgresSealTimestamps(pool),
    },
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
    migrate: () => migrate(pool),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await eventStoreDb?.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
};
