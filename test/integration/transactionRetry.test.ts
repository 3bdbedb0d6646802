import { describe, expect, it } from 'vitest';
import { retryingRolledBackTransactions } from '../../src/adapters/mysql/pool.js';

const failure = (errno: number) => Object.assign(new Error(`errno ${errno}`), { errno });

describe('retryingRolledBackTransactions', () => {
  it('runs a transaction again after a deadlock or a lock-wait timeout, and answers what the retry gives', async () => {
    const thrown = [failure(1213), failure(1205)];
    let tries = 0;
    const answer = await retryingRolledBackTransactions(async () => {
      tries++;
      const next = thrown.shift();
      if (next) throw next;
      return 'committed';
    });
    expect(answer).toBe('committed');
    expect(tries).toBe(3);
  });

  it.each([
    ['gives up after five tries with the last deadlock', 1213, 5],
    ['passes any other failure on at once', 1062, 1],
  ])('%s', async (_case, errno, expectedTries) => {
    let tries = 0;
    await expect(
      retryingRolledBackTransactions(async () => {
        tries++;
        throw failure(errno);
      }),
    ).rejects.toThrow(`errno ${errno}`);
    expect(tries).toBe(expectedTries);
  });
});
