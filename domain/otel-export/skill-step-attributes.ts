import type { JsonValue } from '../json/json-value.js';
import type { StepExecuted } from '../run/run-events.js';
import { definedAttributes, SpanKindNumber, type SpanAttributes } from './export-span.js';

/** How a step of one of our skills reads as a GenAI span: its operation, name, kind, attributes. */
export type SkillSpanShape = {
  readonly operation: 'chat' | 'execute_tool';
  readonly name: string;
  readonly kind: number;
  /** Attributes of the step as a whole (usage, result), not repeated on its attempts. */
  readonly attributes: SpanAttributes;
  /** Attributes every attempt of the step carries too (operation, model, tool name). */
  readonly shared: SpanAttributes;
};

const field = (value: JsonValue | undefined, key: string): JsonValue | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;

const stringField = (value: JsonValue | undefined, key: string): string | undefined => {
  const found = field(value, key);
  return typeof found === 'string' ? found : undefined;
};

const numberField = (value: JsonValue | undefined, key: string): number | undefined => {
  const found = field(value, key);
  return typeof found === 'number' ? found : undefined;
};

const jsonText = (value: JsonValue | undefined): string | undefined =>
  value === undefined ? undefined : JSON.stringify(value);

/** llm_invoke: its outcome data is {content, finish_reason, usage: {prompt_tokens,
 * completion_tokens, total_tokens} | null, model} (adapters/skills/llm-invoke-skill.ts); the model
 * asked is not in its params (the operator's AOS_LLM_MODEL), so the answering one stands for it. */
const chatShape = (step: StepExecuted): SkillSpanShape => {
  const data = step.outcome.data;
  const model = stringField(data, 'model');
  const usage = field(data, 'usage');
  const content = stringField(data, 'content');
  const finish = stringField(data, 'finish_reason');
  const shared = definedAttributes({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model });
  return {
    operation: 'chat',
    name: model === undefined ? 'chat' : `chat ${model}`,
    kind: SpanKindNumber.client,
    shared,
    attributes: definedAttributes({
      ...shared,
      'gen_ai.response.model': model,
      'gen_ai.usage.input_tokens': numberField(usage, 'prompt_tokens'),
      'gen_ai.usage.output_tokens': numberField(usage, 'completion_tokens'),
      'gen_ai.response.finish_reasons': finish === undefined ? undefined : [finish],
      'gen_ai.request.max_tokens': numberField(step.params, 'max_tokens'),
      'gen_ai.request.temperature': numberField(step.params, 'temperature'),
      'gen_ai.input.messages': jsonText(field(step.params, 'messages')),
      'gen_ai.output.messages':
        content === undefined
          ? undefined
          : JSON.stringify([{ role: 'assistant', content, finish_reason: finish ?? null }]),
    }),
  };
};

/** Every other skill of ours (http_call, json_transform, echo, wait) is a tool the agent called. */
const toolShape = (step: StepExecuted): SkillSpanShape => {
  const shared = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': step.skill };
  return {
    operation: 'execute_tool',
    name: `execute_tool ${step.skill}`,
    kind: SpanKindNumber.internal,
    shared,
    attributes: {
      ...shared,
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': JSON.stringify(step.params),
      'gen_ai.tool.call.result': JSON.stringify(step.outcome.data),
    },
  };
};

/** The GenAI reading of a step executed here. */
export const skillSpanShape = (step: StepExecuted): SkillSpanShape =>
  step.skill === 'llm_invoke' ? chatShape(step) : toolShape(step);
