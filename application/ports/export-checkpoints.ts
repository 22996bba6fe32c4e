import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError, GlobalPosition } from '../../domain/ports/event-store.js';

/** Whose export a checkpoint is: one endpoint, one tenant or (null) all tenants. */
export type ExportCheckpointKey = { readonly endpoint: string; readonly tenant_id: string | null };

/** Where `aos-int otel export --follow` keeps how far it got: the position of the completion of
 * the last run it exported, in the store's global order. */
export interface ExportCheckpoints {
  read(key: ExportCheckpointKey): TaskEither<EventStoreError, GlobalPosition | null>;
  write(key: ExportCheckpointKey, position: GlobalPosition, at: string): TaskEither<EventStoreError, void>;
}
