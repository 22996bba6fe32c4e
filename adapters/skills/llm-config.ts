import { FREE, parsePrice, type LlmPrices } from './llm-pricing.js';

/** Where `llm_invoke` sends its requests and what they cost: operator configuration, never plan
 * input, so the base URL is not subject to an agent's host allowlist. */
export type LlmConfig = LlmPrices & {
  /** e.g. http://127.0.0.1:8080/v1; requests go to `${baseUrl}/chat/completions`. */
  readonly baseUrl: string;
  readonly model: string;
};

export type LlmConfigResult =
  | { readonly ok: true; readonly config: LlmConfig }
  | {
      readonly ok: false;
      readonly code: 'LLM_NOT_CONFIGURED' | 'LLM_MISCONFIGURED';
      readonly message: string;
    };

/** Read when a plan is validated and again when the step executes (never cached). */
export type LlmConfigSource = () => LlmConfigResult;

export const LLM_NOT_CONFIGURED = 'llm_invoke is not configured: set AOS_LLM_BASE_URL and AOS_LLM_MODEL';

const misconfigured = (message: string): LlmConfigResult => ({
  ok: false,
  code: 'LLM_MISCONFIGURED',
  message: `llm_invoke is misconfigured: ${message}`,
});

const baseUrlProblem = (text: string): string | null => {
  if (!URL.canParse(text)) return 'AOS_LLM_BASE_URL must be an absolute http(s) URL';
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'AOS_LLM_BASE_URL must be an http or https URL';
  if (url.username !== '' || url.password !== '')
    return "AOS_LLM_BASE_URL must not carry credentials (keys come from the step's api_key)";
  if (url.search !== '' || url.hash !== '') return 'AOS_LLM_BASE_URL must not have a query or fragment';
  return null;
};

/** From AOS_LLM_BASE_URL, AOS_LLM_MODEL, AOS_LLM_PRICE_PER_1K_PROMPT_CENTS and
 * AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS (prices default to 0). No API key is read here: keys
 * only come through the step's params. */
export const llmConfigFromEnv = (env: Readonly<Record<string, string | undefined>>): LlmConfigResult => {
  const baseUrl = env.AOS_LLM_BASE_URL?.trim() ?? '';
  const model = env.AOS_LLM_MODEL?.trim() ?? '';
  if (baseUrl === '' || model === '')
    return { ok: false, code: 'LLM_NOT_CONFIGURED', message: LLM_NOT_CONFIGURED };
  const urlProblem = baseUrlProblem(baseUrl);
  if (urlProblem !== null) return misconfigured(urlProblem);
  const prices: Record<keyof LlmPrices, bigint> = { ...FREE };
  const priceVariables = [
    ['AOS_LLM_PRICE_PER_1K_PROMPT_CENTS', 'promptMicroCentsPer1k'],
    ['AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS', 'completionMicroCentsPer1k'],
  ] as const;
  for (const [variable, key] of priceVariables) {
    const text = env[variable]?.trim() ?? '';
    if (text === '') continue;
    const price = parsePrice(text);
    if (price === null)
      return misconfigured(
        `${variable} must be a decimal number of cents >= 0 with at most 6 decimals (got ${JSON.stringify(text)})`,
      );
    prices[key] = price;
  }
  return { ok: true, config: { baseUrl: baseUrl.replace(/\/+$/, ''), model, ...prices } };
};
