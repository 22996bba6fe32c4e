import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import type { SpanStaging } from '../application/ports/span-staging.js';
import type { ReceivedSpan } from '../domain/observed/received-span.js';

/** One load: its wall time from the first request sent to the last answered, and the time of each
 * request (an export call, or a staging statement). */
export type LoadTiming = {
  readonly spans: number;
  readonly ms: number;
  readonly requestMs: readonly number[];
};

/** `concurrency` workers taking the batches in turn, each doing `send` (its own per worker). */
const timedWorkers = async <B extends { readonly length: number }>(
  batches: readonly B[],
  senders: readonly ((batch: B) => Promise<void>)[],
): Promise<LoadTiming> => {
  const requestMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    senders.map(async (send) => {
      while (next < batches.length) {
        const batch = batches[next] as B;
        next += 1;
        const sent = performance.now();
        await send(batch);
        requestMs.push(performance.now() - sent);
      }
    }),
  );
  const ms = performance.now() - started;
  return { spans: batches.reduce((n, b) => n + b.length, 0), ms, requestMs };
};

const exported = (exporter: OTLPTraceExporter, batch: readonly ReadableSpan[]): Promise<void> =>
  new Promise((resolve, reject) =>
    exporter.export([...batch], (result: ExportResult) => {
      if (result.code === ExportResultCode.SUCCESS) resolve();
      else reject(new Error(`an export failed: ${result.error?.message ?? 'no error given'}`));
    }),
  );

/** `exporters` OpenTelemetry SDK exporters (OTLP/HTTP protobuf, each with its own connections)
 * sending the batches to `url` with the ingest token, one export (one HTTP request) at a time
 * each, as that many agents' BatchSpanProcessors would. Every export must succeed. */
export const exportBatches = async (
  url: string,
  token: string,
  batches: readonly (readonly ReadableSpan[])[],
  exporters: number,
): Promise<LoadTiming> => {
  const made = Array.from(
    { length: exporters },
    () =>
      new OTLPTraceExporter({ url, headers: { authorization: `Bearer ${token}` }, timeoutMillis: 60_000 }),
  );
  try {
    return await timedWorkers(
      batches,
      made.map((exporter) => (batch: readonly ReadableSpan[]) => exported(exporter, batch)),
    );
  } finally {
    await Promise.all(made.map((exporter) => exporter.shutdown()));
  }
};

/** The floor: the same spans (decoded and redacted beforehand) staged straight through the staging
 * adapter by `concurrency` workers, a batch per statement: no HTTP, no decoding, no token. */
export const stageBatches = async (
  staging: SpanStaging,
  tenantId: string,
  batches: readonly (readonly ReceivedSpan[])[],
  concurrency: number,
): Promise<LoadTiming> => {
  const stage = async (batch: readonly ReceivedSpan[]) => {
    const staged = await staging.stage(tenantId, batch, new Date().toISOString())();
    if (E.isLeft(staged)) throw new Error(`staging failed: ${JSON.stringify(staged.left)}`);
  };
  return timedWorkers(
    batches,
    Array.from({ length: concurrency }, () => stage),
  );
};
