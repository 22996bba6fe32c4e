import { ledgerStreamId } from '../../domain/ledger/run-checkpoint.js';
import { decodeLedger, type LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { CliFailure } from '../../cli/cli-failure.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { storeFailure } from '../../cli/runtime.js';

/** A tenant's ledger of seals as stored; a damaged ledger is a failed verification (exit 1). */
export const readTenantLedger = async (store: EventStore, tenantId: string): Promise<LedgerEntry[]> => {
  const events = await store.readStream(tenantId, ledgerStreamId(tenantId))();
  if (events._tag === 'Left') throw storeFailure(events.left);
  const ledger = decodeLedger(events.right);
  if (ledger._tag === 'Left')
    throw new CliFailure(
      ExitCode.failed,
      'ledger_damaged',
      `the ledger of tenant ${tenantId} is damaged at index ${ledger.left.seq}: ${ledger.left.message}`,
    );
  return ledger.right;
};
