import * as E from 'fp-ts/lib/Either.js';
import { llmEndpointFromEnv, type LlmEndpoint } from '../llm/llm-endpoint-config.js';
import { FREE, parsePrice, type LlmPrices } from './llm-pricing.js';

/** Where `llm_invoke` sends its requests and what they cost: operator configuration, never plan
 * input, so the base URL is not subject to an agent's host allowlist. */
export type LlmConfig = LlmPrices & LlmEndpoint;

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

/** From AOS_LLM_BASE_URL, AOS_LLM_MODEL, AOS_LLM_PRICE_PER_1K_PROMPT_CENTS and
 * AOS_LLM_PRICE_PER_1K_COMPLETION_CENTS (prices default to 0). No API key is read here: keys
 * only come through the step's params (AOS_LLM_API_KEY is the planner's, never llm_invoke's). */
export const llmConfigFromEnv = (env: Readonly<Record<string, string | undefined>>): LlmConfigResult => {
  const endpoint = llmEndpointFromEnv(env, "keys come from the step's api_key");
  if (E.isLeft(endpoint))
    return endpoint.left.kind === 'not_configured'
      ? { ok: false, code: 'LLM_NOT_CONFIGURED', message: LLM_NOT_CONFIGURED }
      : misconfigured(endpoint.left.problem);
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
  return { ok: true, config: { ...endpoint.right, ...prices } };
};
