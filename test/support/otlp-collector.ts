import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

/** A span as the collector received it, ids in hex and attribute values as plain JS values. */
export type CollectedSpan = {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly status: { readonly code: number; readonly message: string };
  readonly attributes: Record<string, unknown>;
  readonly serviceName: unknown;
};

export type CollectorRequest = {
  readonly headers: IncomingHttpHeaders;
  readonly contentType: string;
  readonly spans: CollectedSpan[];
};

type AnyValue = {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: number | string | { toString(): string } | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
};
type KeyValue = { key: string; value?: AnyValue | null };
type OtlpSpan = {
  traceId: Uint8Array | string;
  spanId: Uint8Array | string;
  parentSpanId?: Uint8Array | string | null;
  name: string;
  kind?: number | null;
  startTimeUnixNano: { toString(): string } | string | number;
  endTimeUnixNano: { toString(): string } | string | number;
  status?: { code?: number | null; message?: string | null } | null;
  attributes?: KeyValue[] | null;
};
type OtlpRequest = {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] | null } | null;
    scopeSpans?: { spans?: OtlpSpan[] | null }[] | null;
  }[];
};
type Generated = {
  opentelemetry: {
    proto: {
      collector: { trace: { v1: { ExportTraceServiceRequest: { decode(b: Uint8Array): OtlpRequest } } } };
    };
  };
};

const hex = (id: Uint8Array | string | null | undefined): string =>
  id === null || id === undefined ? '' : typeof id === 'string' ? id : Buffer.from(id).toString('hex');

const valueOf = (value: AnyValue | null | undefined): unknown => {
  if (value === null || value === undefined) return undefined;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== null && value.intValue !== undefined) return Number(value.intValue.toString());
  if (typeof value.doubleValue === 'number') return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
};

const attributesOf = (list: KeyValue[] | null | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));

const spansOf = (request: OtlpRequest): CollectedSpan[] =>
  (request.resourceSpans ?? []).flatMap((rs) => {
    const serviceName = attributesOf(rs.resource?.attributes)['service.name'];
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        name: s.name,
        kind: s.kind ?? 0,
        startTimeUnixNano: s.startTimeUnixNano.toString(),
        endTimeUnixNano: s.endTimeUnixNano.toString(),
        status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
        attributes: attributesOf(s.attributes),
        serviceName,
      })),
    );
  });

const decode = (contentType: string, body: Buffer): CollectedSpan[] =>
  spansOf(
    contentType.includes('json')
      ? (JSON.parse(body.toString('utf8')) as OtlpRequest)
      : (
          root as unknown as Generated
        ).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.decode(body),
  );

/** The status to answer the n-th request with (from 1), and headers to add. */
export type CollectorReply = (n: number) => { status: number; headers?: Record<string, string> };

export type OtlpCollector = {
  readonly url: string;
  /** Requests answered 2xx, decoded. */
  readonly accepted: CollectorRequest[];
  /** Every request, whatever it was answered. */
  readonly requests: number;
  spans(): CollectedSpan[];
  close(): Promise<void>;
};

/** A real OTLP/HTTP traces collector on 127.0.0.1: decodes protobuf or JSON requests. */
export const startCollector = async (
  reply: CollectorReply = () => ({ status: 200 }),
): Promise<OtlpCollector> => {
  const accepted: CollectorRequest[] = [];
  let requests = 0;
  const server = createServer((request, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const { status, headers } = reply(requests);
      const contentType = request.headers['content-type'] ?? '';
      if (status < 300)
        accepted.push({
          headers: request.headers,
          contentType,
          spans: decode(contentType, Buffer.concat(chunks)),
        });
      response.writeHead(status, {
        'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf',
        ...headers,
      });
      response.end(contentType.includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    accepted,
    get requests() {
      return requests;
    },
    spans: () => accepted.flatMap((r) => r.spans),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};
