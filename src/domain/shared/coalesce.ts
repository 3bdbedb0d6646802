/**
 * Runs calls that arrive together as one batch, DataLoader-style: the first call starts a batch
 * at once; calls made while it runs wait and go together in the next batch (at most `maxBatch`
 * items each). A quiet system pays no added latency; a busy one gets batches as large as its
 * concurrency. A batch that fails is split and each of its items runs alone, so one bad item
 * fails only its own caller; with `splitOnFailure: false` every caller of the batch gets its error
 * instead, for items that must not run twice (a failed batch may have done part of its work).
 */
export function coalesce<I, O>(
  runBatch: (items: readonly I[]) => Promise<readonly O[]>,
  maxBatch: number,
  options: { splitOnFailure?: boolean } = {},
): (item: I) => Promise<O> {
  const splitOnFailure = options.splitOnFailure ?? true;
  interface Waiting {
    item: I;
    resolve(value: O): void;
    reject(error: unknown): void;
  }
  let waiting: Waiting[] = [];
  let running = false;

  const runAlone = async ({ item, resolve, reject }: Waiting) => {
    try {
      const [result] = await runBatch([item]);
      resolve(result as O);
    } catch (error) {
      reject(error);
    }
  };

  const run = async (batch: Waiting[]) => {
    if (batch.length === 1) return runAlone(batch[0]!);
    try {
      const results = await runBatch(batch.map((call) => call.item));
      batch.forEach((call, index) => call.resolve(results[index] as O));
    } catch (error) {
      if (splitOnFailure) await Promise.all(batch.map(runAlone));
      else batch.forEach((call) => call.reject(error));
    }
  };

  const drain = async () => {
    running = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(maxBatch);
      await run(batch);
    }
    running = false;
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
