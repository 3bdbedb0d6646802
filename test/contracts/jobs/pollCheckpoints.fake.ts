import type { PollCheckpoint, PollCheckpoints } from '../../../src/domain/jobs/ports.js';

export class FakeCheckpoints implements PollCheckpoints {
  value: PollCheckpoint = { lastJobId: 0, sweepJobId: 0, mirrorJobId: 0 };

  async read(): Promise<PollCheckpoint> {
    return { ...this.value };
  }

  async save(checkpoint: PollCheckpoint): Promise<void> {
    this.value = { ...checkpoint, lastJobId: Math.max(this.value.lastJobId, checkpoint.lastJobId) };
  }
}
