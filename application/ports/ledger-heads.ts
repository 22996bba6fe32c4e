import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';

/** A tenant ledger's tree head as sent to witnesses: the note the log signed, the cosignature
 * lines answered so far (by witness name), and whether every configured witness cosigned. */
export type StoredLedgerHead = {
  readonly tenant_id: string;
  readonly tree_size: number;
  readonly root_hash: string;
  readonly note: string;
  readonly cosignatures: ReadonlyMap<string, string>;
  readonly cosigned: boolean;
};

/** A head is one size and root of one tenant's ledger. */
export type HeadId = { readonly tenant_id: string; readonly tree_size: number; readonly root_hash: string };

export type LedgerHeadsError = Extract<EventStoreError, { kind: 'store_unavailable' | 'store_failed' }>;

/** Where the heads and their cosignatures are kept (aos_ledger_heads, aos_ledger_cosignatures). */
export interface LedgerHeads {
  /** Records a head unless one of that tenant and size is kept (the log signs deterministically). */
  save(head: Omit<StoredLedgerHead, 'cosignatures' | 'cosigned'>): TE.TaskEither<LedgerHeadsError, void>;
  addCosignature(head: HeadId, witness: string, line: string): TE.TaskEither<LedgerHeadsError, void>;
  markCosigned(head: HeadId): TE.TaskEither<LedgerHeadsError, void>;
  /** The head of that size and root, with its cosignatures; null when none was kept. */
  find(head: HeadId): TE.TaskEither<LedgerHeadsError, StoredLedgerHead | null>;
  /** The largest size the witness cosigned of the tenant's ledger (0: never). */
  lastCosignedSize(tenantId: string, witness: string): TE.TaskEither<LedgerHeadsError, number>;
  /** The latest head (the last saved) of each tenant (one, or all with null) that is not cosigned
   * by every witness. */
  uncosigned(tenantId: string | null): TE.TaskEither<LedgerHeadsError, readonly StoredLedgerHead[]>;
}
