import * as E from 'fp-ts/lib/Either.js';
import type { ExportSpan } from '../../domain/otel-export/export-span.js';
import type { SpanExporter, SpanExportFailure } from '../ports/span-exporter.js';
import { sendWithRetry, type RetryPolicy } from './send-with-retry.js';

/** Spans per request: a long run goes in several, and never whole in memory. */
const SPANS_PER_REQUEST = 512;

type Failure = SpanExportFailure & { readonly attempts: number };

/** Collects a run's spans as they are made and sends them a full request at a time (each with
 * its retries); `flush` sends what is left and says how many were sent in all. */
export const spanBatches = (exporter: SpanExporter, retry: RetryPolicy, serviceName: string) => {
  let pending: ExportSpan[] = [];
  let sent = 0;
  const send = async (): Promise<E.Either<Failure, number>> => {
    if (pending.length === 0) return E.right(sent);
    const batch = { service_name: serviceName, spans: pending };
    pending = [];
    const result = await sendWithRetry(exporter, batch, retry);
    if (E.isLeft(result)) return result;
    sent += batch.spans.length;
    return E.right(sent);
  };
  return {
    add: async (spans: readonly ExportSpan[]): Promise<E.Either<Failure, number>> => {
      pending.push(...spans);
      return pending.length >= SPANS_PER_REQUEST ? send() : E.right(sent);
    },
    flush: send,
  };
};
