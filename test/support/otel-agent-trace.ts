import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

const resource = resourceFromAttributes({ 'service.name': 'weather-service', 'service.version': '1.4.0' });

/** [seconds, nanoseconds] `ms` after a fixed time. */
const at = (ms: number): [number, number] => [1_765_000_000 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

/**
 * The acceptance's agent, traced with the real OpenTelemetry SDK under the GenAI conventions: one
 * invoke_agent span, two chat spans, one execute_tool and one failing execute_tool. Returns the
 * trace id (hex).
 */
const emitAgentTrace = (tracer: Tracer, goal = 'What is the weather in Lisbon?'): string => {
  const agent = tracer.startSpan('invoke_agent Weather agent', {
    kind: SpanKind.INTERNAL,
    startTime: at(0),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'Weather agent',
      'gen_ai.agent.id': 'asst_weather_1',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: goal }] }]),
    },
  });
  const inAgent = trace.setSpan(context.active(), agent);
  const child = (name: string, start: number, end: number, attributes: Record<string, string | number>) => {
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: at(start), attributes }, inAgent);
    return { span, end: () => span.end(at(end)) };
  };
  const chat1 = child('chat gpt-4o-mini', 10, 400, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 30,
  });
  chat1.end();
  const tool = child('execute_tool get_weather', 410, 520, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_weather',
    'gen_ai.tool.call.arguments': '{"city":"Lisbon"}',
    'gen_ai.tool.call.result': '{"temp_c":21}',
  });
  tool.end();
  const failing = child('execute_tool get_forecast', 530, 700, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_forecast',
    'error.type': 'TimeoutError',
  });
  failing.span.setStatus({ code: SpanStatusCode.ERROR, message: 'forecast service timed out' });
  failing.end();
  const chat2 = child('chat gpt-4o-mini', 710, 990, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 210,
    'gen_ai.usage.output_tokens': 48,
  });
  chat2.end();
  agent.end(at(1000));
  return agent.spanContext().traceId;
};

/** Sends the agent's trace to `url` with the SDK's OTLP/HTTP protobuf exporter, as an agent would. */
export const exportAgentTrace = async (url: string, token: string): Promise<string> => {
  const exporter = new ProtobufExporter({ url, headers: { authorization: `Bearer ${token}` } });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  const traceId = emitAgentTrace(provider.getTracer('weather-agent', '1.4.0'));
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
};

/** The agent's finished spans, as the SDK hands them to an exporter (for requests built by hand). */
export const agentTraceSpans = async (): Promise<ReadableSpan[]> => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  emitAgentTrace(provider.getTracer('weather-agent', '1.4.0'));
  await provider.forceFlush();
  return exporter.getFinishedSpans();
};

/** The bytes the SDK's OTLP exporters send for `spans`. */
export const otlpBody = (format: 'protobuf' | 'json', spans: ReadableSpan[]): Uint8Array => {
  const body =
    format === 'protobuf'
      ? ProtobufTraceSerializer.serializeRequest(spans)
      : JsonTraceSerializer.serializeRequest(spans);
  if (body === undefined) throw new Error('the SDK serialized nothing');
  return body;
};
