import { jsonDepthExcess, MAX_JSON_DEPTH } from '../json/json-depth.js';
import { findJsonRejection, type JsonObject, type JsonValue } from '../json/json-value.js';
import { withoutNul } from '../json/storable-json.js';

/** The GenAI semantic conventions' attribute names this product reads (docs/OBSERVED-RUNS.md). */
export const GenAi = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  agentDescription: 'gen_ai.agent.description',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolArguments: 'gen_ai.tool.call.arguments',
  toolResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
  serviceName: 'service.name',
} as const;

/** The attribute as a non-empty string, or undefined. */
export const stringAttribute = (attributes: JsonObject, key: string): string | undefined => {
  const value = attributes[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The attribute as a non-negative safe integer (an int64 sent as its decimal string too). */
export const countAttribute = (attributes: JsonObject, key: string): number | undefined => {
  const value = attributes[key];
  const number = typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
};

/**
 * A structured attribute (messages, tool arguments): the instrumentations send them as JSON text or
 * as structured values. JSON text is parsed when what it holds may be recorded (the JSON gate, the
 * depth limit); anything else is kept as it came.
 */
export const structuredAttribute = (attributes: JsonObject, key: string): JsonValue | undefined => {
  const value = attributes[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    const parsed = withoutNul(JSON.parse(trimmed) as JsonValue);
    // Recorded two levels down (params.input_messages, outcome.data.output_messages).
    return findJsonRejection(parsed) === null && jsonDepthExcess(parsed, MAX_JSON_DEPTH - 2) === null
      ? parsed
      : value;
  } catch {
    return value;
  }
};

/** The attributes without the given keys. */
export const attributesWithout = (attributes: JsonObject, keys: ReadonlySet<string>): JsonObject =>
  Object.fromEntries(Object.entries(attributes).filter(([key]) => !keys.has(key)));
