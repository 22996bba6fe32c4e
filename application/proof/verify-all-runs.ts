import * as E from 'fp-ts/lib/Either.js';
import { sealSignatureProblem } from '../../domain/ledger/seal-verification.js';
import {
  decodeLedger,
  type LedgerDecodeError,
  type TenantLedgerIndex,
} from '../../domain/ledger/tenant-ledger.js';
import type { EventStore, EventStoreError } from '../../domain/ports/event-store.js';
import { ledgerStreamId } from '../../domain/stream-names.js';
import type { ProofReads } from '../ports/read-model.js';
import type { OrphanedRows, RunCatalog } from '../ports/run-catalog.js';
import { proveRun } from './prove-run.js';
import { proveAllowingLag, type RunProof } from './run-proof.js';

/** Where a sweep reads: the runs listed by the catalog, each proved from the store and read model. */
export type SweepSources = {
  readonly catalog: RunCatalog;
  readonly store: EventStore;
  readonly reads: ProofReads;
};

const PAGE = 500;

/**
 * The tenant's ledger read a page at a time: checks it is gap-free and every event a valid seal
 * whose signature verifies (else the damage, which fails every run of the tenant: a seal altered
 * to name another run would otherwise go unseen, the runs' proofs taking each run's first seal),
 * and returns the sealed runs whose events are gone from the store (deleted history). Holds one
 * page.
 *
 * A seal by a key this key set does not hold is not damage: its signature cannot be checked here,
 * and the run it seals fails its own proof, naming the key, as `aos proof` does; the tenant's other
 * runs stay as they are. Unless it is not its run's first seal: no proof would ever look at it,
 * and the store keeps one seal per run, so it was written in: damage.
 */
const scanLedger = async (
  catalog: RunCatalog,
  store: EventStore,
  tenantId: string,
  knownKeys: ReadonlyMap<string, Uint8Array>,
): Promise<E.Either<EventStoreError, { damage: LedgerDecodeError | null; erased: string[] }>> => {
  const erased: string[] = [];
  for (let from = 0; ;) {
    const page = await store.readStreamFrom(tenantId, ledgerStreamId(tenantId), from, PAGE)();
    if (E.isLeft(page)) return page;
    const seals = decodeLedger(page.right, from);
    if (E.isLeft(seals)) return E.right({ damage: seals.left, erased });
    for (const seal of seals.right) {
      const problem = sealSignatureProblem(seal, knownKeys);
      if (problem === null) continue;
      const unknownKey = problem.field === 'checkpoint.key_id';
      if (unknownKey && (await catalog.firstSealIndex(tenantId, seal.checkpoint.run_id)) === seal.index)
        continue;
      const message = unknownKey
        ? `${problem.reason}, and it is a second seal of run ${seal.checkpoint.run_id}, which no proof checks`
        : problem.reason;
      return E.right({ damage: { kind: 'ledger_event_invalid', seq: seal.index, message }, erased });
    }
    const runIds = seals.right.map((seal) => seal.checkpoint.run_id);
    const existing = await catalog.existingRuns(tenantId, runIds);
    erased.push(...runIds.filter((runId) => !existing.has(runId)));
    if (page.right.length < PAGE) return E.right({ damage: null, erased });
    from += PAGE;
  }
};

/** Proves every run (of one tenant, or all), streaming: calls `onRun` with each proof as soon as it
 * is made and keeps nothing of it. Each tenant's ledger is scanned once, a page at a time; each
 * run's seal is found through the seal index; sealed runs whose events are gone are reported as
 * failed runs too. Then `onOrphans` gets the runs the read tables hold rows of with no event in the
 * store (those erased sealed runs aside, already reported). Memory: a page of runs, seals or
 * orphans (plus the run ids of erased sealed runs). */
export const sweepRuns = async (
  { catalog, store, reads }: SweepSources,
  tenantId: string | null,
  knownKeys: ReadonlyMap<string, Uint8Array>,
  onRun: (proof: RunProof) => void,
  onOrphans: (rows: OrphanedRows) => void = () => undefined,
  /** Brings the projections up to a run's last event: a run still being written when its rows were
   * read is caught up and proved again (a few times) before a projection divergence counts. */
  catchUpRun: (tenantId: string, runId: string) => Promise<void> = async () => undefined,
): Promise<E.Either<EventStoreError, number>> => {
  let count = 0;
  const erasedRuns = new Set<string>();
  const prove = async (
    tenant: string,
    runId: string,
    damaged: E.Either<LedgerDecodeError, TenantLedgerIndex> | undefined,
  ) => {
    const proof = await proveAllowingLag(
      () => proveRun({ store, reads }, tenant, runId, knownKeys, damaged),
      () => catchUpRun(tenant, runId),
    );
    if (E.isRight(proof)) {
      onRun(proof.right);
      count += 1;
    }
    return proof;
  };
  for (let afterTenant = ''; ;) {
    const tenants = await catalog.tenantsPage(tenantId, afterTenant, PAGE);
    for (const tenant of tenants) {
      const ledger = await scanLedger(catalog, store, tenant, knownKeys);
      if (E.isLeft(ledger)) return ledger;
      // A damaged ledger is handed to every proof of the tenant, which then fails naming it.
      const damaged = ledger.right.damage ? E.left(ledger.right.damage) : undefined;
      for (let afterRun = ''; ;) {
        const runIds = await catalog.runIdsPage(tenant, afterRun, PAGE);
        for (const runId of runIds) {
          const proved = await prove(tenant, runId, damaged);
          if (E.isLeft(proved)) return proved;
        }
        if (runIds.length < PAGE) break;
        afterRun = runIds[runIds.length - 1]!;
      }
      for (const runId of ledger.right.erased) {
        erasedRuns.add(runId);
        const proved = await prove(tenant, runId, damaged);
        if (E.isLeft(proved)) return proved;
      }
    }
    if (tenants.length < PAGE) break;
    afterTenant = tenants[tenants.length - 1]!;
  }
  for (let after: readonly [string, string] = ['', '']; ;) {
    const rows = await catalog.orphanedRowsPage(tenantId, after, PAGE);
    for (const row of rows) if (!erasedRuns.has(row.run_id)) onOrphans(row);
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || last === undefined) return E.right(count);
    after = [last.run_id, last.tenant_id];
  }
};
