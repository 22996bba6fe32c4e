import * as E from 'fp-ts/lib/Either.js';
import type { ChatModel } from '../../domain/ports/chat-model.js';
import { openAiChatModel } from './openai-chat-model.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The OpenAI-compatible endpoint that llm_invoke and the planner both call. */
export type LlmEndpoint = {
  /** e.g. http://127.0.0.1:8080/v1, without a trailing slash. */
  readonly baseUrl: string;
  readonly model: string;
};

export type LlmEndpointProblem =
  { readonly kind: 'not_configured' } | { readonly kind: 'misconfigured'; readonly problem: string };

const baseUrlProblem = (text: string, keySource: string): string | null => {
  if (!URL.canParse(text)) return 'AOS_LLM_BASE_URL must be an absolute http(s) URL';
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'AOS_LLM_BASE_URL must be an http or https URL';
  if (url.username !== '' || url.password !== '')
    return `AOS_LLM_BASE_URL must not carry credentials (${keySource})`;
  if (url.search !== '' || url.hash !== '') return 'AOS_LLM_BASE_URL must not have a query or fragment';
  return null;
};

/** AOS_LLM_BASE_URL and AOS_LLM_MODEL; `keySource` says where keys come from instead of the URL. */
export const llmEndpointFromEnv = (
  env: Env,
  keySource: string,
): E.Either<LlmEndpointProblem, LlmEndpoint> => {
  const baseUrl = env.AOS_LLM_BASE_URL?.trim() ?? '';
  const model = env.AOS_LLM_MODEL?.trim() ?? '';
  if (baseUrl === '' || model === '') return E.left({ kind: 'not_configured' });
  const problem = baseUrlProblem(baseUrl, keySource);
  if (problem !== null) return E.left({ kind: 'misconfigured', problem });
  return E.right({ baseUrl: baseUrl.replace(/\/+$/, ''), model });
};

/** The planner's model, the time one request may take, and the values never to record (its key). */
export type PlannerModel = {
  readonly model: ChatModel;
  readonly timeoutMs: number;
  readonly secretValues: readonly string[];
};

export type PlannerModelConfigError = {
  readonly kind: 'planner_model_not_configured' | 'planner_model_misconfigured';
  readonly message: string;
};

export const PLANNER_MODEL_NOT_CONFIGURED =
  'this agent plans with a language model: set AOS_LLM_BASE_URL and AOS_LLM_MODEL';

const DEFAULT_PLANNER_TIMEOUT_MS = 60_000;
const MAX_PLANNER_TIMEOUT_MS = 600_000;
const MAX_API_KEY = 4096;

const misconfigured = (problem: string): PlannerModelConfigError => ({
  kind: 'planner_model_misconfigured',
  message: `the LLM planner is misconfigured: ${problem}`,
});

const timeoutFromEnv = (env: Env): E.Either<PlannerModelConfigError, number> => {
  const text = env.AOS_LLM_TIMEOUT_MS?.trim() ?? '';
  if (text === '') return E.right(DEFAULT_PLANNER_TIMEOUT_MS);
  const ms = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  return ms >= 1 && ms <= MAX_PLANNER_TIMEOUT_MS
    ? E.right(ms)
    : E.left(
        misconfigured(
          `AOS_LLM_TIMEOUT_MS must be an integer number of milliseconds from 1 to ${MAX_PLANNER_TIMEOUT_MS} (got ${JSON.stringify(text)})`,
        ),
      );
};

/** Absent or blank: no key (a local server). Its value is never put in a message. */
const keyFromEnv = (env: Env): E.Either<PlannerModelConfigError, string | undefined> => {
  const key = env.AOS_LLM_API_KEY?.trim() ?? '';
  if (key === '') return E.right(undefined);
  return new RegExp(`^[\\x20-\\x7e]{1,${MAX_API_KEY}}$`).test(key)
    ? E.right(key)
    : E.left(
        misconfigured(
          `AOS_LLM_API_KEY must be 1 to ${MAX_API_KEY} printable ASCII characters (its value is not shown)`,
        ),
      );
};

/** The planner's ChatModel: the endpoint of AOS_LLM_BASE_URL and AOS_LLM_MODEL, the key of
 * AOS_LLM_API_KEY (optional; the planner's only: llm_invoke takes keys from its step's params
 * alone) and a limit per request of AOS_LLM_TIMEOUT_MS (default 60000, 1..600000). */
export const plannerChatModelFromEnv = (env: Env): E.Either<PlannerModelConfigError, PlannerModel> => {
  const endpoint = llmEndpointFromEnv(env, 'the key comes from AOS_LLM_API_KEY');
  if (E.isLeft(endpoint))
    return E.left(
      endpoint.left.kind === 'not_configured'
        ? { kind: 'planner_model_not_configured', message: PLANNER_MODEL_NOT_CONFIGURED }
        : misconfigured(endpoint.left.problem),
    );
  const timeoutMs = timeoutFromEnv(env);
  if (E.isLeft(timeoutMs)) return timeoutMs;
  const apiKey = keyFromEnv(env);
  if (E.isLeft(apiKey)) return apiKey;
  return E.right({
    model: openAiChatModel({
      ...endpoint.right,
      timeoutMs: timeoutMs.right,
      ...(apiKey.right === undefined ? {} : { apiKey: apiKey.right }),
    }),
    timeoutMs: timeoutMs.right,
    secretValues: apiKey.right === undefined ? [] : [apiKey.right],
  });
};
