import type { EventStore } from '../domain/ports/event-store.js';
import type { SkillRegistry } from '../domain/ports/skill.js';
import type { ExportCheckpoints } from './ports/export-checkpoints.js';
import type { IngestTokens } from './ports/ingest-tokens.js';
import type { LedgerHeads } from './ports/ledger-heads.js';
import type { ReadModel } from './ports/read-model.js';
import type { RunCatalog } from './ports/run-catalog.js';
import type { SealTimestamps } from './ports/seal-timestamps.js';
import type { SpanStaging } from './ports/span-staging.js';

/** The ports the use cases work with, as an interface (the CLI, a server, a test) wires them. */
export type Services = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  /** The runs the event store holds, for sweeps; null where the store cannot list them (EventStoreDB). */
  readonly catalog: RunCatalog | null;
  readonly skills: SkillRegistry;
  /** The bearer tokens of the OTLP endpoint (aos-int tokens). */
  readonly ingestTokens: IngestTokens;
  /** Received spans waiting for their run to be sealed (aos serve, POST /v1/traces). */
  readonly spanStaging: SpanStaging;
  /** How far `aos-int otel export --follow` got, per endpoint and tenant filter. */
  readonly exportCheckpoints: ExportCheckpoints;
  /** Tenant-ledger heads sent to witnesses, with their cosignatures. */
  readonly ledgerHeads: LedgerHeads;
  /** The seals' RFC 3161 time stamp tokens (AOS_TSA_URL). */
  readonly sealTimestamps: SealTimestamps;
};
