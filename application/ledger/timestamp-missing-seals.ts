import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { readTenantLedger, type LedgerReadError } from './read-tenant-ledger.js';
import { timestampSeal, type TimestampSealDeps, type TimestampSealError } from './timestamp-seal.js';

/** A seal of the tenant's ledger still without a time stamp, and why. */
export type UnstampedSeal = {
  readonly ledger_index: number;
  readonly run_id: string;
  readonly error: TimestampSealError;
};

/** What `aos-int ledger timestamp` did for one tenant: how many seals got a time stamp now, and
 * the seals still without one. */
export type TimestampSweep = {
  readonly tenant_id: string;
  readonly stamped: number;
  readonly unstamped: readonly UnstampedSeal[];
};

export type TimestampSweepError =
  | LedgerReadError
  | {
      readonly kind: 'timestamps';
      readonly error: Extract<TimestampSealError, { kind: 'timestamps' }>['error'];
    };

/** Every seal of the tenant's ledger that has no time stamp asked of the TSA again (a seal whose
 * TSA was unreachable when it was made, or made before AOS_TSA_URL was set). */
export const timestampMissingSeals = async (
  deps: TimestampSealDeps & { readonly store: EventStore },
  tenantId: string,
): Promise<E.Either<TimestampSweepError, TimestampSweep>> => {
  const ledger = await readTenantLedger(deps.store, tenantId);
  if (E.isLeft(ledger)) return ledger;
  const stamped = await deps.timestamps.stamped(tenantId)();
  if (E.isLeft(stamped)) return E.left({ kind: 'timestamps', error: stamped.left });
  let count = 0;
  const unstamped: UnstampedSeal[] = [];
  for (const entry of ledger.right) {
    if (stamped.right.has(entry.index)) continue;
    const seal = {
      tenant_id: tenantId,
      run_id: entry.checkpoint.run_id,
      ledger_index: entry.index,
      signature: entry.signature,
    };
    const result = await timestampSeal(deps, seal);
    if (E.isRight(result)) count++;
    else if (result.left.kind === 'timestamps') return E.left(result.left);
    else unstamped.push({ ledger_index: entry.index, run_id: seal.run_id, error: result.left });
  }
  return E.right({ tenant_id: tenantId, stamped: count, unstamped });
};
