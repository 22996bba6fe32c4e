import type { RunKeys } from '../../application/ports/run-keys.js';
import type { Services } from '../../application/services.js';

/** What the console's routes read with once the database is open: the use cases' services and the
 * keys (the bundle's and the ledger head's tree heads are signed now, as by `aos export`). */
export type ConsoleDeps = { readonly services: Services; readonly keys: RunKeys };
