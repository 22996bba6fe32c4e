import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

/**
 * The OTLP trace service messages, as the protobufjs static module shipped by
 * @opentelemetry/otlp-transformer generates them (the package's own exporters encode with it).
 * Its declaration types the whole module as a reflection `Root`, which it is not: the two messages
 * used here are found by their path and checked for the functions called on them.
 */

type ToObjectOptions = {
  readonly longs?: StringConstructor;
  readonly bytes?: StringConstructor;
  readonly arrays?: boolean;
};

export type GeneratedMessage = {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: ToObjectOptions): Record<string, unknown>;
  fromObject(plain: Record<string, unknown>): object;
  encode(message: object): { finish(): Uint8Array };
};

const isGeneratedMessage = (value: unknown): value is GeneratedMessage =>
  (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
  ['decode', 'toObject', 'fromObject', 'encode'].every(
    (name) => typeof (value as Record<string, unknown>)[name] === 'function',
  );

const TRACE_SERVICE_PATH = ['opentelemetry', 'proto', 'collector', 'trace', 'v1'];

const traceServiceMessage = (name: string): GeneratedMessage => {
  const found = [...TRACE_SERVICE_PATH, name].reduce<unknown>(
    (at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined),
    generatedRoot,
  );
  if (!isGeneratedMessage(found))
    throw new Error(`@opentelemetry/otlp-transformer no longer ships the generated ${name}`);
  return found;
};

export const ExportTraceServiceRequestMessage = traceServiceMessage('ExportTraceServiceRequest');
export const ExportTraceServiceResponseMessage = traceServiceMessage('ExportTraceServiceResponse');
