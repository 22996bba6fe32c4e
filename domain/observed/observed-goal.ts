import type { JsonObject, JsonValue } from '../json/json-value.js';
import { GenAi, stringAttribute, structuredAttribute } from './span-attributes.js';

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text of a GenAI message: `content` as a string (older conventions), or its text parts
 * (`parts: [{type: "text", content}]`). */
const messageText = (message: JsonObject): string | undefined => {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.parts)) return undefined;
  const texts = message.parts.flatMap((part) =>
    isObject(part) && part.type === 'text' && typeof part.content === 'string' ? [part.content] : [],
  );
  return texts.length === 0 ? undefined : texts.join(' ');
};

/** The goal a run exported by `aos-int otel export` carries on its root span. */
const EXPORTED_GOAL = 'aos.goal';

/** What the agent was asked, as well as its root span says: the goal of a run exported by this
 * product, else the first user message of its input messages, else its description, else the
 * span's name. */
export const observedGoalText = (attributes: JsonObject, spanName: string): string => {
  const exported = stringAttribute(attributes, EXPORTED_GOAL);
  if (exported !== undefined) return exported;
  const messages = structuredAttribute(attributes, GenAi.inputMessages);
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (!isObject(message) || message.role !== 'user') continue;
      const text = messageText(message);
      if (text !== undefined && text.trim() !== '') return text;
    }
  }
  return stringAttribute(attributes, GenAi.agentDescription) ?? spanName;
};
