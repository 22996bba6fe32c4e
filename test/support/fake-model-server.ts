import type { ServerResponse } from 'node:http';
import { sendJson, startLocalServer, type Hit, type LocalServer } from './local-http-server.js';

/** What the fake OpenAI-compatible server does with one chat completion request. */
export type ModelReply =
  | { readonly content: string; readonly usage?: { prompt_tokens: number; completion_tokens: number } }
  | { readonly status: number; readonly body: unknown }
  | { readonly raw: string }
  /** Never answers: the client's timeout ends the request. */
  | { readonly hang: true };

export type FakeModelServer = LocalServer & {
  /** `${base}/v1`, for AOS_LLM_BASE_URL. */
  readonly baseUrl: string;
  /** The JSON bodies of the chat completion requests, in order. */
  requests(): Array<{ messages: Array<{ role: string; content: string }>; response_format?: unknown }>;
  completionHits(): Hit[];
};

const reply = (response: ServerResponse, answer: ModelReply): void => {
  if ('hang' in answer) return;
  if ('raw' in answer) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(answer.raw);
    return;
  }
  if ('status' in answer) return sendJson(response, answer.status, answer.body);
  const usage = answer.usage ?? { prompt_tokens: 50, completion_tokens: 10 };
  sendJson(response, 200, {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    model: 'fake-planner',
    choices: [{ index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
};

/** A local OpenAI-compatible endpoint (node:http on 127.0.0.1) answering chat completions from
 * `script(n, body)`, n counting requests from 1. */
export const startFakeModelServer = async (
  script: (n: number, body: { messages: Array<{ role: string; content: string }> }) => ModelReply,
): Promise<FakeModelServer> => {
  const server = await startLocalServer((hit, response, n) => {
    if (hit.path !== '/v1/chat/completions') return sendJson(response, 404, { error: 'not found' });
    reply(
      response,
      script(n, JSON.parse(hit.body) as { messages: Array<{ role: string; content: string }> }),
    );
  });
  const completionHits = () => server.hitsTo('/v1/chat/completions');
  return {
    ...server,
    baseUrl: `${server.base}/v1`,
    completionHits,
    requests: () =>
      completionHits().map((hit) => JSON.parse(hit.body) as ReturnType<FakeModelServer['requests']>[number]),
  };
};

/** A plan as the model writes it. */
export const planAnswer = (...steps: Array<{ skill: string; params: Record<string, unknown> }>): string =>
  JSON.stringify({ steps });
