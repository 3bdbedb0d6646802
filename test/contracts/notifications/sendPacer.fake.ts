import type { SendPacer } from '../../../src/domain/notifications/ports.js';

/** Lets every send through at once, counting them. */
export class FakePacer implements SendPacer {
  acquired = 0;

  async acquire(): Promise<void> {
    this.acquired += 1;
  }
}
