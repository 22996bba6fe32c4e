/** `concurrency` async workers in this process taking items 0..total-1 in turn, as N runners would. */
export const runWorkers = async (
  concurrency: number,
  total: number,
  work: (item: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const item = next;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
