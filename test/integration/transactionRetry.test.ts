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

  it('gives up after five tries with the last deadlock', async () => {
    let tries = 0;
    await expect(
      retryingRolledBackTransactions(async () => {
        tries++;
        throw failure(1213);
      }),
    ).rejects.toThrow('errno 1213');
    expect(tries).toBe(5);
  });

  it('passes any other failure on at once', async () => {
    let tries = 0;
    await expect(
      retryingRolledBackTransactions(async () => {
        tries++;
        throw failure(1062);
      }),
    ).rejects.toThrow('errno 1062');
    expect(tries).toBe(1);
  });
});
