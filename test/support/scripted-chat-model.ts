import * as E from 'fp-ts/lib/Either.js';
import type { ChatCompletion, ChatFailure, ChatModel, ChatRequest } from '../../domain/ports/chat-model.js';

/** What the scripted model answers to one request: a completion's content, or a failure. */
export type ScriptedAnswer = { readonly content: string } | { readonly failure: ChatFailure };

/** A ChatModel for application unit tests: answers from a script in order (the last one again when
 * the script runs out), and keeps every request it was sent. */
export const scriptedChatModel = (script: readonly ScriptedAnswer[]) => {
  const requests: ChatRequest[] = [];
  const model: ChatModel = {
    model: 'scripted-model',
    complete: async (request) => {
      requests.push(request);
      const answer = script[Math.min(requests.length, script.length) - 1];
      if (answer === undefined) throw new Error('empty script');
      if ('failure' in answer) return E.left(answer.failure);
      const completion: ChatCompletion = {
        content: answer.content,
        finish_reason: 'stop',
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        model: 'scripted-model',
      };
      return E.right(completion);
    },
  };
  return { model, requests };
};
