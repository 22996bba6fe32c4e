/** The median of repeated measurements (the mean of the middle two for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
};

/** Runs `measure` `reps` times, one after the other, and returns every result in order. */
export const repeat = async <T>(reps: number, measure: (rep: number) => Promise<T>): Promise<T[]> => {
  const results: T[] = [];
  for (let rep = 1; rep <= reps; rep++) results.push(await measure(rep));
  return results;
};
