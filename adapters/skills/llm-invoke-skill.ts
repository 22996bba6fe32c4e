import type { JsonValue } from '../../domain/json/json-value.js';
import type { PlanStepProblem, Skill, SkillContext, SkillResult } from '../../domain/ports/skill.js';
import { readBodyCapped } from './capped-body.js';
import { classifyHttpStatus } from './http-status-class.js';
import { errorDetail, parseCompletion } from './llm-completion.js';
import { llmConfigFromEnv, type LlmConfig, type LlmConfigSource } from './llm-config.js';
import { llmInvokeManifest } from './llm-invoke-manifest.js';
import { DEFAULT_MAX_TOKENS, LlmInvokeParamsC, type LlmInvokeParams } from './llm-invoke-params.js';
import { costCents, estimatePromptTokens } from './llm-pricing.js';
import { abortFailure, errorMessage, failure, networkFailure } from './skill-failure.js';

export type { LlmInvokeParams } from './llm-invoke-params.js';
export { llmInvokeIdempotentDoc, llmInvokeParamsDoc } from './llm-invoke-params.js';

const MAX_RESPONSE_BYTES = 1024 * 1024;

const estimate = (params: LlmInvokeParams, config: LlmConfig): number =>
  costCents(config, estimatePromptTokens(params.messages), params.max_tokens ?? DEFAULT_MAX_TOKENS);

const requestBody = (params: LlmInvokeParams, config: LlmConfig): string =>
  JSON.stringify({
    model: config.model,
    messages: params.messages,
    max_tokens: params.max_tokens ?? DEFAULT_MAX_TOKENS,
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
  });

const requestHeaders = (params: LlmInvokeParams): Headers => {
  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
  if (params.api_key !== undefined) headers.set('authorization', `Bearer ${params.api_key}`);
  return headers;
};

/** Every occurrence of the key in the outcome's strings replaced: a server may echo it in an error. */
const redact = (value: JsonValue, secret: string): JsonValue => {
  if (typeof value === 'string') return value.split(secret).join('[redacted]');
  if (Array.isArray(value)) return value.map((v) => redact(v, secret));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secret)]));
  return value;
};

const withoutKey = (result: SkillResult, apiKey: string | undefined): SkillResult =>
  apiKey === undefined
    ? result
    : { ...result, outcome: { ...result.outcome, data: redact(result.outcome.data, apiKey) } };

const invoke = async (
  params: LlmInvokeParams,
  config: LlmConfig,
  { signal }: SkillContext,
): Promise<SkillResult> => {
  const timedOut = (): SkillResult => abortFailure(signal.reason, { message: 'the step ran out of time' });
  if (signal.aborted) return timedOut();
  try {
    const response = await fetch(`${config.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: requestHeaders(params),
      body: requestBody(params, config),
      redirect: 'manual', // a redirect would carry the key elsewhere: reported, not followed
      signal,
    });
    const bytes = await readBodyCapped(response, MAX_RESPONSE_BYTES, true);
    if (bytes === null) {
      return failure(
        'resource_limit',
        'RESPONSE_TOO_LARGE',
        {
          message: `the response body is larger than ${MAX_RESPONSE_BYTES} bytes`,
          status: response.status,
          max_response_bytes: MAX_RESPONSE_BYTES,
        },
        false,
      );
    }
    const status = classifyHttpStatus(response.status);
    if (!status.ok)
      return failure(
        status.category,
        status.code,
        { status: response.status, ...errorDetail(bytes) },
        status.retryable,
      );
    const completion = parseCompletion(bytes, config.model);
    if (typeof completion === 'string')
      return failure(
        'bad_response',
        'INVALID_RESPONSE',
        { message: completion, status: response.status },
        false,
      );
    const cost =
      completion.usage === null
        ? estimate(params, config)
        : costCents(config, completion.usage.prompt_tokens, completion.usage.completion_tokens);
    return {
      status: 'succeeded',
      outcome: { category: 'success', code: 'OK', data: completion },
      cost_cents: cost,
    };
  } catch (error) {
    if (signal.aborted) return timedOut();
    return networkFailure(error);
  }
};

/** `llm_invoke` reading its configuration from `config` when a plan is validated and when it runs. */
export const createLlmInvokeSkill = (deps: { readonly config: LlmConfigSource }): Skill<LlmInvokeParams> => ({
  name: 'llm_invoke',
  version: '1',
  description:
    'chat completion from the operator-configured OpenAI-compatible endpoint (AOS_LLM_BASE_URL, AOS_LLM_MODEL), costed from the reported usage; outcome data {content, finish_reason, usage, model}',
  manifest: llmInvokeManifest,
  params: LlmInvokeParamsC,
  // No side effects: safe to run again on resume, at the price of paying for the tokens twice.
  isIdempotent: () => true,
  estimateCostCents: (params) => {
    const loaded = deps.config();
    return loaded.ok ? estimate(params, loaded.config) : 0; // unconfigured: validateInPlan refuses the plan
  },
  // The endpoint is operator configuration, not plan input: no host policy applies to it.
  validateInPlan: (): PlanStepProblem[] => {
    const loaded = deps.config();
    return loaded.ok ? [] : [{ field: 'model', message: loaded.message }];
  },
  execute: async (params, context) => {
    try {
      const loaded = deps.config();
      if (!loaded.ok) return failure('configuration_error', loaded.code, { message: loaded.message }, false);
      return withoutKey(await invoke(params, loaded.config, context), params.api_key);
    } catch (error) {
      return withoutKey(
        failure('internal_error', 'INTERNAL_ERROR', { message: errorMessage(error) }, false),
        params.api_key,
      );
    }
  },
});

/** Configured from the process environment at each validation and execution. */
export const llmInvokeSkill: Skill<LlmInvokeParams> = createLlmInvokeSkill({
  config: () => llmConfigFromEnv(process.env),
});
