import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { describe, expect, it } from 'vitest';
import { sendWithRetry } from '../../application/otel-export/send-with-retry.js';
import type { SpanExporter, SpanExportFailure } from '../../application/ports/span-exporter.js';

/** An exporter that answers the scripted results in turn, counting its sends. */
const scripted = (results: readonly (SpanExportFailure | 'ok')[]) => {
  let sends = 0;
  const exporter: SpanExporter = {
    send: () => {
      const result = results[Math.min(sends, results.length - 1)];
      sends += 1;
      return result === 'ok' || result === undefined ? TE.right(undefined) : TE.left(result);
    },
    close: async () => undefined,
  };
  return { exporter, sends: () => sends };
};

const policy = (waits: number[]) => ({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 3000,
  sleep: async (ms: number) => {
    waits.push(ms);
  },
  random: () => 1,
});

const batch = { service_name: 'svc', spans: [] };
const busy = { retryable: true, message: 'Export failed with retryable status' };

describe('sending a batch again after a retryable failure', () => {
  it('retries with an exponential backoff until it is accepted', async () => {
    const waits: number[] = [];
    const { exporter, sends } = scripted([busy, busy, 'ok']);
    expect(await sendWithRetry(exporter, batch, policy(waits))).toEqual(E.right(undefined));
    expect(sends()).toBe(3);
    expect(waits).toEqual([1000, 2000]);
  });

  it('gives up after maxAttempts sends, saying how many', async () => {
    const waits: number[] = [];
    const { exporter, sends } = scripted([busy]);
    expect(await sendWithRetry(exporter, batch, policy(waits))).toEqual(E.left({ ...busy, attempts: 4 }));
    expect(sends()).toBe(4);
    expect(waits).toEqual([1000, 2000, 3000]);
  });

  it('does not send again what the endpoint refused for good', async () => {
    const waits: number[] = [];
    const refused = { retryable: false, message: 'HTTP 401: Unauthorized' };
    const { exporter, sends } = scripted([refused, 'ok']);
    expect(await sendWithRetry(exporter, batch, policy(waits))).toEqual(E.left({ ...refused, attempts: 1 }));
    expect(sends()).toBe(1);
    expect(waits).toEqual([]);
  });
});
