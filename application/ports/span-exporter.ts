import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ExportSpan } from '../../domain/otel-export/export-span.js';

/** Spans of one run, sent together under one resource. */
export type SpanBatch = {
  /** The resource's `service.name`: the system the run came from. */
  readonly service_name: string;
  readonly spans: readonly ExportSpan[];
};

/** Why a batch was not accepted; `retryable` when sending it again later may succeed (the network,
 * 429, 502, 503, 504), after the exporter's own retries gave up. */
export type SpanExportFailure = { readonly retryable: boolean; readonly message: string };

/** Where the spans go: an OTLP endpoint (adapters/otlp-export). */
export interface SpanExporter {
  send(batch: SpanBatch): TaskEither<SpanExportFailure, void>;
  /** Releases what the exporter holds (its connections). */
  close(): Promise<void>;
}
