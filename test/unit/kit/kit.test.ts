import { describe, expect, it } from 'vitest';
import { crashAfter, InjectedCrash, isInjectedCrash } from '../../kit/crash.js';
import { stepName } from '../../kit/steps.js';
import { verify } from '../../kit/verify.js';

describe('test kit', () => {
  it('verify passes a true condition and fails a false one with its message', () => {
    expect(() => verify(true, 'unused')).not.toThrow();
    expect(() => verify(false, 'queue holds 2 messages, expected 3')).toThrow('verification failed: queue holds 2 messages, expected 3');
  });

  it('names a profiled step, and prints the key of a step it has no name for', () => {
    expect(stepName('transactions.append')).toBe('job_trans insert (MySQL ledger)');
    expect(stepName('queue.peek')).toBe('queue.peek');
  });

  it('crashAfter throws on the nth call of the method only after the call took effect', async () => {
    const writes: string[] = [];
    const port = crashAfter({ write: async (row: string) => void writes.push(row), read: async () => writes.length }, 'write', 2);
    await port.write('a');
    const crash = await port.write('b').catch((error: unknown) => error);
    expect(crash).toBeInstanceOf(InjectedCrash);
    expect(writes).toEqual(['a', 'b']);
    await port.write('c');
    expect(await port.read()).toBe(3);
  });

  it('isInjectedCrash knows a crash thrown directly or wrapped as the cause of another error', () => {
    const crash = new InjectedCrash('crash after write #1');
    expect(isInjectedCrash(crash)).toBe(true);
    expect(isInjectedCrash(new Error('could not record', { cause: crash }))).toBe(true);
    expect(isInjectedCrash(new Error('could not record'))).toBe(false);
  });
});
