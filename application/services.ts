import type { EventStore } from '../domain/ports/event-store.js';
import type { SkillRegistry } from '../domain/ports/skill.js';
import type { IngestTokens } from './ports/ingest-tokens.js';
import type { LedgerHeads } from './ports/ledger-heads.js';
import type { ReadModel } from './ports/read-model.js';
import type { RunCatalog } from './ports/run-catalog.js';

/** The ports the use cases work with, as an interface (the CLI, a server, a test) wires them. */
export type Services = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  /** The runs the event store holds, for sweeps; null where the store cannot list them (EventStoreDB). */
  readonly catalog: RunCatalog | null;
  readonly skills: SkillRegistry;
  /** The bearer tokens of the OTLP endpoint (aos-int tokens). */
  readonly ingestTokens: IngestTokens;
  /** Tenant-ledger heads sent to witnesses, with their cosignatures. */
  readonly ledgerHeads: LedgerHeads;
};
