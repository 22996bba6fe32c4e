import * as E from 'fp-ts/lib/Either.js';
import { backoffDelayMs } from '../../domain/run/retry-backoff.js';
import type { SpanBatch, SpanExporter, SpanExportFailure } from '../ports/span-exporter.js';

/** How often a batch is sent in all, and the backoff between sends (doubling, with jitter). */
export type RetryPolicy = {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the backoff's jitter. */
  readonly random: () => number;
};

/** The exporter retries each request itself (429, 502, 503, 504, the network; Retry-After
 * honoured) for up to its timeout; a batch it still could not deliver is sent again here after an
 * exponential backoff, up to `maxAttempts` sends in all. A failure that is not retryable (a 400, a
 * 401) ends at once. */
export const sendWithRetry = async (
  exporter: SpanExporter,
  batch: SpanBatch,
  policy: RetryPolicy,
): Promise<E.Either<SpanExportFailure & { readonly attempts: number }, void>> => {
  for (let attempt = 1; ; attempt++) {
    const sent = await exporter.send(batch)();
    if (E.isRight(sent)) return sent;
    if (!sent.left.retryable || attempt >= policy.maxAttempts)
      return E.left({ ...sent.left, attempts: attempt });
    await policy.sleep(backoffDelayMs(attempt, policy.random, policy.baseDelayMs, policy.maxDelayMs));
  }
};
