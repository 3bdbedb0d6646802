import type { Clock } from '../../src/domain/shared/ports.js';

export class FakeClock implements Clock {
  constructor(private current = new Date('2026-11-23T09:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
