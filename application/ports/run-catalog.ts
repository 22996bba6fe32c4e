import type { GlobalPosition } from '../../domain/ports/event-store.js';

/** A completed run, by the position of its completion in the store's global order. */
export type CompletedRun = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly position: GlobalPosition;
};

/** Rows of the read tables that no event stands behind. */
export type OrphanedRows = { readonly tenant_id: string; readonly run_id: string; readonly tables: string };

/**
 * The runs the event store holds, listed a page at a time for a sweep over all of them
 * (verify-all). Pages are keyset-paginated: each takes the last key of the page before.
 */
export interface RunCatalog {
  /** How many run streams there are (of one tenant, or all). */
  countRuns(tenantId: string | null): Promise<number>;
  /** Tenants with runs or a ledger, after `after`, in order. */
  tenantsPage(tenantId: string | null, after: string, limit: number): Promise<string[]>;
  /** A tenant's run ids by any event their streams still hold, after `after`, in order. */
  runIdsPage(tenantId: string, after: string, limit: number): Promise<string[]>;
  /** Which of these runs still hold an event of the tenant. */
  existingRuns(tenantId: string, runIds: readonly string[]): Promise<Set<string>>;
  /** The ledger index of the run's first seal in the tenant ledger, if it has one. */
  firstSealIndex(tenantId: string, runId: string): Promise<number | undefined>;
  /** Completed runs (of one tenant, or all) whose completion comes after `after` in the global
   * order, in that order, at most `limit`; never one while an earlier transaction may still commit. */
  completedRunsPage(tenantId: string | null, after: GlobalPosition, limit: number): Promise<CompletedRun[]>;
  /** Runs the read tables hold rows of while the store has no event of them, after
   * `after` = [run_id, tenant_id], in that order. */
  orphanedRowsPage(
    tenantId: string | null,
    after: readonly [string, string],
    limit: number,
  ): Promise<OrphanedRows[]>;
}
