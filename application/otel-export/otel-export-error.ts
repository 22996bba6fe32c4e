import type { EventStoreError } from '../../domain/ports/event-store.js';

/** Why an export stopped. Nothing is checkpointed past a run whose spans were not accepted. */
export type OtelExportError =
  | { readonly kind: 'unsupported'; readonly message: string }
  | { readonly kind: 'store'; readonly error: EventStoreError }
  | {
      readonly kind: 'run_unreadable';
      readonly tenant_id: string;
      readonly run_id: string;
      readonly message: string;
    }
  | {
      readonly kind: 'export_failed';
      readonly tenant_id: string;
      readonly run_id: string;
      readonly attempts: number;
      readonly message: string;
    };
