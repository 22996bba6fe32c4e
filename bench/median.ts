/** The median of repeated measurements (the mean of the middle two for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
};

/** The nearest-rank percentile (`p` from 0 to 100) of measurements: 95 gives the p95. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
};

/** Runs `measure` `reps` times, one after the other, and returns every result in order. */
export const repeat = async <T>(reps: number, measure: (rep: number) => Promise<T>): Promise<T[]> => {
  const results: T[] = [];
  for (let rep = 1; rep <= reps; rep++) results.push(await measure(rep));
  return results;
};
