import * as TE from 'fp-ts/lib/TaskEither.js';
import type { SealTimestamps, StoredSealTimestamp } from '../../../application/ports/seal-timestamps.js';

/** The seals' time stamp tokens in memory (test code only), kept as the Postgres adapter keeps them. */
export const inMemorySealTimestamps = (): SealTimestamps & {
  readonly rows: Map<string, StoredSealTimestamp>;
} => {
  const rows = new Map<string, StoredSealTimestamp>();
  const keyOf = (tenantId: string, index: number) => `${tenantId}\u0000${index}`;
  return {
    rows,
    save: (entry) =>
      TE.fromIO(() => {
        if (!rows.has(keyOf(entry.tenant_id, entry.ledger_index)))
          rows.set(keyOf(entry.tenant_id, entry.ledger_index), entry);
      }),
    find: (tenantId, index) => TE.fromIO(() => rows.get(keyOf(tenantId, index)) ?? null),
    // No seal index in memory: every seal it could name is one the test gave it.
    unstamped: () => TE.right([]),
    stamped: (tenantId) =>
      TE.fromIO(
        () => new Set([...rows.values()].filter((r) => r.tenant_id === tenantId).map((r) => r.ledger_index)),
      ),
  };
};
