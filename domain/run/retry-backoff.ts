/** Exponential backoff with "equal jitter": the n-th retry (1-based) waits between half and all of
 * min(cap, base * 2^(n-1)), so waits grow and concurrent retriers spread out. */
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 10_000;

export const backoffDelayMs = (
  retry: number,
  random: () => number,
  baseMs = BACKOFF_BASE_MS,
  capMs = BACKOFF_CAP_MS,
): number => {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * jitter);
};
