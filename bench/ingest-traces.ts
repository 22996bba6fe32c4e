import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** The spans of the ingest bench, as the SDK hands them to an exporter, cut into its batches. */
export type IngestWorkload = {
  readonly traces: number;
  readonly spans: number;
  readonly batches: readonly (readonly ReadableSpan[])[];
};

const resource = resourceFromAttributes({
  'service.name': 'bench-support-agent',
  'service.version': '2.3.1',
  'deployment.environment.name': 'bench',
});

/** [seconds, nanoseconds] `ms` after a fixed time. */
const at = (ms: number): [number, number] => [1_765_000_000 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

const MODELS = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4'] as const;
const TOOLS = ['search_orders', 'get_customer', 'refund_payment', 'send_email'] as const;

const chatAttributes = (trace: number, step: number): Record<string, string | number | string[]> => {
  const model = MODELS[(trace + step) % MODELS.length] ?? 'gpt-4o-mini';
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.response.model': `${model}-2025-04-14`,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 1024,
    'gen_ai.usage.input_tokens': 300 + ((trace * 7 + step * 13) % 900),
    'gen_ai.usage.output_tokens': 20 + ((trace * 3 + step * 5) % 200),
    'gen_ai.response.finish_reasons': [step % 2 === 0 ? 'tool_calls' : 'stop'],
    'gen_ai.response.id': `chatcmpl-${trace}-${step}`,
  };
};

const toolAttributes = (trace: number, step: number): Record<string, string> => {
  const tool = TOOLS[(trace + step) % TOOLS.length] ?? 'search_orders';
  return {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': tool,
    'gen_ai.tool.type': 'function',
    'gen_ai.tool.call.id': `call_${trace}_${step}`,
    'gen_ai.tool.call.arguments': JSON.stringify({ customer_id: `cus_${trace}`, limit: 10 }),
    'gen_ai.tool.call.result': JSON.stringify({ ok: true, items: [`order_${trace}_${step}`], total: step }),
  };
};

/** One agent invocation: an invoke_agent root, then chat and tool calls in turn (`spans` in all). */
const emitTrace = (tracer: Tracer, index: number, spans: number): void => {
  const start = index * 10_000;
  const root = tracer.startSpan('invoke_agent Support agent', {
    kind: SpanKind.INTERNAL,
    startTime: at(start),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'Support agent',
      'gen_ai.agent.id': 'asst_support_1',
      'gen_ai.agent.description': `Answer ticket ${index}`,
    },
  });
  const parent = trace.setSpan(context.active(), root);
  for (let step = 0; step < spans - 1; step++) {
    const chat = step % 2 === 0;
    const attributes = chat ? chatAttributes(index, step) : toolAttributes(index, step);
    const name = chat ? `chat ${String(attributes['gen_ai.request.model'])}` : 'execute_tool';
    const kind = chat ? SpanKind.CLIENT : SpanKind.INTERNAL;
    const span = tracer.startSpan(name, { kind, startTime: at(start + 10 + step * 100), attributes }, parent);
    span.end(at(start + 10 + step * 100 + 90));
  }
  root.end(at(start + 10 + spans * 100));
};

/** About `total` spans in traces of 10 to 20 spans each (one invoke_agent root per trace), made
 * with the SDK and cut into batches of `batchSize` in the order they ended, as a BatchSpanProcessor
 * would hand them to its exporter (a trace may straddle two batches). */
export const ingestWorkload = async (total: number, batchSize: number): Promise<IngestWorkload> => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench-support-agent', '2.3.1');
  let made = 0;
  let traces = 0;
  while (made < total) {
    const spans = Math.min(10 + (traces % 11), total - made);
    emitTrace(tracer, traces, spans);
    made += spans;
    traces += 1;
  }
  await provider.forceFlush();
  const finished = exporter.getFinishedSpans();
  const batches: ReadableSpan[][] = [];
  for (let i = 0; i < finished.length; i += batchSize) batches.push(finished.slice(i, i + batchSize));
  await provider.shutdown();
  return { traces, spans: finished.length, batches };
};
