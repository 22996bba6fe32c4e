import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import type { SpanExporter, SpanExportFailure } from '../../application/ports/span-exporter.js';
import { importModule } from '../module-import.js';
import { readableSpan } from './readable-span.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type OtlpEndpoint = {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
};

type TraceExporter = {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
};

/** HTTP statuses a later send may get past (what the exporter itself retries). */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** The exporter's final error: an OTLPExporterError carries the HTTP status of a refusal it did not
 * retry (`code`); its own retries exhausted, or the network, carry none. */
const failureOf = (error: Error | undefined): SpanExportFailure => {
  const status = (error as { code?: unknown } | undefined)?.code;
  const message = error?.message || 'the endpoint did not accept the spans';
  if (typeof status === 'number')
    return { retryable: RETRYABLE_STATUSES.has(status), message: `HTTP ${status}: ${message}` };
  return { retryable: true, message };
};

/** The exporters stay out of the CLI bundle (they load node:http with import(), which the bundle,
 * a script, cannot): loaded as modules through importModule. */
const exporterFor = async (endpoint: OtlpEndpoint): Promise<TraceExporter> => {
  const config = { url: endpoint.url, headers: { ...endpoint.headers } };
  if (endpoint.protocol === 'http/json') {
    const { OTLPTraceExporter } = (await importModule(
      '@opentelemetry/exporter-trace-otlp-http',
    )) as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { OTLPTraceExporter } = (await importModule(
    '@opentelemetry/exporter-trace-otlp-proto',
  )) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(config);
};

/** Spans to an OTLP/HTTP endpoint through the OpenTelemetry exporter of its protocol. */
export const otlpSpanExporter = async (endpoint: OtlpEndpoint): Promise<SpanExporter> => {
  const exporter = await exporterFor(endpoint);
  return {
    send: (batch) => () =>
      new Promise<E.Either<SpanExportFailure, void>>((resolve) => {
        const resource = resourceFromAttributes({ 'service.name': batch.service_name });
        exporter.export(
          batch.spans.map((span) => readableSpan(span, resource)),
          (result) => resolve(result.code === 0 ? E.right(undefined) : E.left(failureOf(result.error))),
        );
      }),
    close: () => exporter.shutdown(),
  };
};
