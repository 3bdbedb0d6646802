import { setTimeout as sleep } from 'node:timers/promises';
import type { SendPacer } from '../../domain/notifications/ports.js';

/**
 * Paces sends to `perSecond` for this process: a token bucket holding one second's worth, or one
 * token when the rate is below one a second (an account's rate shared by many instances), refilled
 * continuously. Callers queue in order; none waits longer than its place in the line.
 */
export class TokenBucket implements SendPacer {
  private tokens: number;
  private readonly capacity: number;
  // Pacing measures elapsed time, not a moment of the domain: a monotonic clock, immune to wall-clock steps.
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perSecond: number) {
    this.capacity = Math.max(1, perSecond);
    this.tokens = this.capacity;
  }

  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn;
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
    }
  }
}
