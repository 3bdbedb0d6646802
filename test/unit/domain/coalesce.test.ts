import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../src/domain/shared/coalesce.js';

/** A batch runner that records each batch and waits until released, so tests control overlap. */
function recordingRunner(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    const bad = items.find(fail);
    if (bad !== undefined) throw new Error(`item ${bad} is bad`);
    return items.map((item) => item * 10);
  };
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, run, releaseAll };
}

describe('coalesce', () => {
  it('runs the first call at once and the calls made meanwhile as one batch, each caller getting its own result', async () => {
    const runner = recordingRunner();
    const call = coalesce(runner.run, 100);
    const results = Promise.all([1, 2, 3, 4].map(call));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.batches).toEqual([[1]]);
    await runner.releaseAll();
    expect(await results).toEqual([10, 20, 30, 40]);
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('never puts more than maxBatch items in a batch', async () => {
    const runner = recordingRunner();
    const call = coalesce(runner.run, 2);
    const results = Promise.all([1, 2, 3, 4, 5].map(call));
    await runner.releaseAll();
    await results;
    expect(runner.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('splits a failed batch so that only the bad item fails its caller', async () => {
    const runner = recordingRunner((item) => item === 3);
    const call = coalesce(runner.run, 100);
    const results = Promise.allSettled([1, 2, 3, 4].map(call));
    await runner.releaseAll();
    const settled = await results;
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled[2]).toMatchObject({ reason: new Error('item 3 is bad') });
    expect(runner.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('without splitting, fails every caller of a failed batch and runs nothing again', async () => {
    const runner = recordingRunner((item) => item === 3);
    const call = coalesce(runner.run, 100, { splitOnFailure: false });
    const results = Promise.allSettled([1, 2, 3, 4].map(call));
    await runner.releaseAll();
    const settled = await results;
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(settled[1]).toMatchObject({ reason: new Error('item 3 is bad') });
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('starts afresh after going quiet', async () => {
    const runner = recordingRunner();
    const call = coalesce(runner.run, 100);
    const first = call(1);
    await runner.releaseAll();
    expect(await first).toBe(10);
    const second = call(2);
    await runner.releaseAll();
    expect(await second).toBe(20);
    expect(runner.batches).toEqual([[1], [2]]);
  });
});
