import type * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError, GlobalPosition, StoredEvent } from '../../domain/ports/event-store.js';
import type { ComparableRow } from '../../projections/comparable-row.js';
import type { UndecodableEvent } from '../../projections/projected-event.js';
import type { StoredField } from '../../projections/stored-step-cells.js';

/** Why the projections could not be brought up to date. */
export type ProjectionError =
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | UndecodableEvent
  | { readonly kind: 'projection_write_failed'; readonly message: string }
  | {
      readonly kind: 'projection_timeout';
      readonly target: GlobalPosition;
      readonly reached: GlobalPosition;
    };

/** One pass of the projector: the position it reached and how many events it applied. */
export type ProjectionPass = { readonly position: GlobalPosition; readonly applied: number };

/** Every product event after `after`, in global order, as a subscription delivers them. */
export type ProjectionBatch = {
  readonly after: GlobalPosition;
  readonly events: readonly StoredEvent[];
};

/** The projector's side of the read model: rows made from events only, checkpoint with them. */
export interface ProjectionUpkeep {
  /** The position up to which the projections hold every event. */
  checkpoint(): Promise<GlobalPosition>;
  /** Applies a pushed batch with its checkpoint (all or nothing) and returns the checkpoint now
   * stored (events the projections already hold are skipped); throws when it could not. */
  applyBatch(batch: ProjectionBatch): Promise<GlobalPosition>;
  /** One catch-up pass over the events after the checkpoint (rows and checkpoint commit together). */
  catchUp(): Promise<E.Either<ProjectionError, ProjectionPass>>;
  /** Returns once the projections hold every event up to `target` (a writer's last append). */
  waitFor(
    target: GlobalPosition,
    options?: { readonly timeoutMs?: number },
  ): Promise<E.Either<ProjectionError, GlobalPosition>>;
  /** Replays every event into emptied tables; the old tables stay until the new ones are complete. */
  /** `onPage`: told how many events were replayed so far, after each page (a progress bar). */
  rebuild(options?: {
    readonly batchSize?: number;
    readonly onPage?: (applied: number) => void;
  }): Promise<E.Either<ProjectionError, ProjectionPass>>;
}

/**
 * What the proof reads of the read model besides the events. Reads may run together (the proof
 * merges the events with the step rows as both come); a read that fails throws, and `failureOf`
 * tells the read model's own failures (a lost connection, a refused query: the store's error)
 * from defects of the code (null: thrown on).
 */
export interface ProofReads {
  /** Runs `work` once no other proof on this read model holds its reads (a proof may need several
   * connections at once), or says why it cannot. */
  inTurn<T>(work: () => Promise<T>): Promise<E.Either<EventStoreError, T>>;
  /** Every aos_traces row carrying this run id, whatever tenant it claims (a row claiming another
   * tenant is a divergence to report, not a row to hide: the run is the tenant's by its events). */
  traceRows(runId: string): Promise<ComparableRow[]>;
  /** How many aos_trace_steps rows carry this run id. */
  stepCount(runId: string): Promise<number>;
  /** The run's aos_trace_steps rows in seq order, every one (a row with a negative seq too), each
   * as its fields in STEP_COLUMNS order, a batch at a time, in bounded memory. A caller that stops
   * early calls `return()`. */
  stepRowFields(runId: string): AsyncGenerator<StoredField[][], void>;
  /** The index of the run's seal in the tenant ledger by the seal index, if it has one. */
  sealIndex(tenantId: string, runId: string): Promise<number | undefined>;
  /** Whether the run's stream holds an event of another tenant from `seq` on (events are read by
   * tenant: one after the run's last event would not be seen). */
  foreignEventAfter(tenantId: string, runId: string, seq: number): Promise<boolean>;
  /** The store's error a thrown read error is, or null when it is a defect. */
  failureOf(error: unknown): EventStoreError | null;
}

/** A run as the `runs` read model holds it. */
export type RunSummary = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
  readonly budget_cents: number;
  readonly status: string;
  readonly attempt: number;
  readonly plan: unknown;
  /** Where an observed run came from (trace_id, root_span_id, service_name); null for a planned run. */
  readonly observation: unknown;
  readonly error: unknown;
  readonly created_at: string;
  readonly completed_at: string | null;
  readonly chain_length: number;
};

/** An agent as the `agents` read model holds it. */
export type AgentSummary = {
  readonly agent_id: string;
  readonly name: string;
  readonly budget_cents: number;
  /** `template`, `llm` or `observed`. */
  readonly planner: string;
  /** The template's steps; null for an agent whose plans a model writes. */
  readonly steps: number | null;
  readonly created_at: string;
};

/** A projection's checkpoint, with the events still to apply where the store can count them. */
export type ProjectionStatus = {
  readonly name: string;
  readonly transaction_id: string;
  readonly global_position: string;
  readonly pending_events: number | null;
  readonly total_events: number | null;
  readonly updated_at: string;
};

/** The runs list's filters (GET /api/runs): each one absent is no filter. */
export type RunListFilter = {
  readonly status?: string;
  readonly agent_id?: string;
  readonly origin_system_id?: string;
  /** Created at or after (ISO 8601). */
  readonly from?: string;
  /** Created before (ISO 8601). */
  readonly to?: string;
  /** Words the goal holds (case-insensitive substring). */
  readonly goal?: string;
};

/** Where a page of the runs list starts: after this run in newest-first order. `created_at` is the
 * database's own text of the timestamp (to the microsecond), not a rounded one. */
export type RunListCursor = { readonly created_at: string; readonly run_id: string };

/** A run as the list shows it at a glance. */
export type RunListItem = {
  readonly run_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
  readonly status: string;
  readonly budget_cents: number;
  readonly observed: boolean;
  readonly step_count: number | null;
  readonly cost_cents: number | null;
  readonly ledger_index: number | null;
  readonly created_at: string;
  readonly completed_at: string | null;
  /** Where the next page starts when this row is the page's last. */
  readonly cursor: RunListCursor;
};

/** What people read: every read scoped by tenant. */
export interface RunQueries {
  /** One page of the runs list, newest first, after `after` (keyset: one index range per page). */
  pageRuns(
    tenantId: string,
    filter: RunListFilter,
    after: RunListCursor | null,
    limit: number,
  ): Promise<RunListItem[]>;
  getRun(tenantId: string, runId: string): Promise<RunSummary | undefined>;
  /** Newest first. */
  listRuns(tenantId: string, limit: number): Promise<RunSummary[]>;
  /** The agent's completed runs in the tenant, the last completed first (a planner's memory). */
  completedRunsOfAgent(tenantId: string, agentId: string, limit: number): Promise<RunSummary[]>;
  listAgents(tenantId: string): Promise<AgentSummary[]>;
  /** `eventsCounted`: whether the events are in the same database (Postgres) and can be counted. */
  projectionStatus(eventsCounted: boolean): Promise<ProjectionStatus[]>;
}

/** The read model: the trace tables and read models the projector keeps, as the use cases see them. */
export type ReadModel = {
  readonly projections: ProjectionUpkeep;
  readonly proofReads: ProofReads;
  readonly queries: RunQueries;
};
