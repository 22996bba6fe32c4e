import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** One agent run traced by the real OpenTelemetry SDK, and the bytes its OTLP exporters would send:
 * an invoke_agent root span and a chat span under it, which failed. */
export type SdkTrace = {
  readonly agent: ReadableSpan;
  readonly chat: ReadableSpan;
  readonly protobuf: Uint8Array;
  readonly json: Uint8Array;
};

export const sdkTrace = async (): Promise<SdkTrace> => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'travel-agent', 'service.version': '2.1.0' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('openai-agents', '0.4.0');
  const agent = tracer.startSpan('invoke_agent planner', {
    kind: SpanKind.INTERNAL,
    startTime: [1_700_000_000, 123_456_789],
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
  });
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 200_000_001],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.request.temperature': 0.25,
        'gen_ai.response.finish_reasons': ['stop', 'length'],
        'gen_ai.request.stop_sequences_count': [1, 2, 3],
        streamed: false,
      },
    },
    trace.setSpan(context.active(), agent),
  );
  chat.addEvent('gen_ai.choice', { index: 0, 'gen_ai.finish_reason': 'stop' }, [1_700_000_000, 900_000_000]);
  chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  chat.end([1_700_000_001, 5]);
  agent.end([1_700_000_002, 0]);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  const [chatSpan, agentSpan] = spans;
  if (chatSpan === undefined || agentSpan === undefined) throw new Error('the SDK exported no spans');
  const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  if (protobuf === undefined || json === undefined) throw new Error('the SDK serialized nothing');
  return { agent: agentSpan, chat: chatSpan, protobuf, json };
};

/** An OTLP/JSON request with one resource and scope around `spans`, as bytes. */
export const jsonRequest = (
  spans: readonly object[],
  resourceAttributes: readonly object[] = [],
): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify({
      resourceSpans: [
        { resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 's' }, spans }] },
      ],
    }),
  );

/** A well-formed OTLP/JSON span, with `fields` replacing its own. */
export const jsonSpan = (fields: object = {}): object => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  name: 'tool call',
  kind: 1,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000500000000',
  ...fields,
});
