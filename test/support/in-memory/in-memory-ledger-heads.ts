import * as TE from 'fp-ts/lib/TaskEither.js';
import type { HeadId, LedgerHeads, StoredLedgerHead } from '../../../application/ports/ledger-heads.js';

const keyOf = (head: HeadId): string => `${head.tenant_id}\u0000${head.tree_size}\u0000${head.root_hash}`;

/** The kept heads and cosignatures in memory (test code only), as the Postgres adapter keeps them. */
export const inMemoryLedgerHeads = (): LedgerHeads => {
  const heads = new Map<string, StoredLedgerHead & { readonly order: number }>();
  const lines = new Map<string, Map<string, string>>();
  const withLines = (head: StoredLedgerHead): StoredLedgerHead => ({
    ...head,
    cosignatures: new Map(lines.get(keyOf(head)) ?? []),
  });
  return {
    save: (head) =>
      TE.fromIO(() => {
        if (!heads.has(keyOf(head)))
          heads.set(keyOf(head), { ...head, cosigned: false, cosignatures: new Map(), order: heads.size });
      }),
    addCosignature: (head, witness, line) =>
      TE.fromIO(() => {
        const kept = lines.get(keyOf(head)) ?? new Map<string, string>();
        if (!kept.has(witness)) kept.set(witness, line);
        lines.set(keyOf(head), kept);
      }),
    markCosigned: (head) =>
      TE.fromIO(() => {
        const kept = heads.get(keyOf(head));
        if (kept) heads.set(keyOf(head), { ...kept, cosigned: true });
      }),
    find: (head) =>
      TE.fromIO(() => {
        const kept = heads.get(keyOf(head));
        return kept === undefined ? null : withLines(kept);
      }),
    lastCosignedSize: (tenantId, witness) =>
      TE.fromIO(() =>
        Math.max(
          0,
          ...[...heads.values()]
            .filter((h) => h.tenant_id === tenantId && lines.get(keyOf(h))?.has(witness))
            .map((h) => h.tree_size),
        ),
      ),
    uncosigned: (tenantId) =>
      TE.fromIO(() => {
        const latest = new Map<string, StoredLedgerHead & { readonly order: number }>();
        for (const head of heads.values())
          if (
            (tenantId === null || head.tenant_id === tenantId) &&
            (latest.get(head.tenant_id)?.order ?? -1) < head.order
          )
            latest.set(head.tenant_id, head);
        return [...latest.values()].filter((h) => !h.cosigned).map(withLines);
      }),
  };
};
