/**
 * The JSON object a model's answer holds: the whole text when it is JSON, else the first fenced
 * block that parses, else the first balanced `{...}` that parses (models that ignore the requested
 * response format wrap the object in prose or a ```json fence). Undefined when there is none.
 */
export const jsonObjectInText = (text: string): Record<string, unknown> | undefined => {
  const candidates = [text.trim(), ...fencedBlocks(text), ...balancedObjects(text)];
  for (const candidate of candidates) {
    const parsed = parseObject(candidate);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
};

const parseObject = (text: string): Record<string, unknown> | undefined => {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

const FENCE = /```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)```/g;

const fencedBlocks = (text: string): string[] => [...text.matchAll(FENCE)].map((m) => (m[1] ?? '').trim());

/** Every `{...}` whose braces balance outside JSON strings, from each `{` that starts one (at most
 * 20 of them, so a long answer costs linear time a bounded number of times). */
const balancedObjects = (text: string): string[] => {
  const found: string[] = [];
  for (
    let start = text.indexOf('{');
    start !== -1 && found.length < 20;
    start = text.indexOf('{', start + 1)
  ) {
    const end = matchingBrace(text, start);
    if (end !== -1) found.push(text.slice(start, end + 1));
  }
  return found;
};

const matchingBrace = (text: string, start: number): number => {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
};
