import type { JobTracking, TrackedJob } from '../../../src/domain/jobs/ports.js';

export class FakeJobTracking implements JobTracking {
  readonly jobs = new Map<number, TrackedJob & { open: boolean }>();

  async track(jobs: ReadonlyArray<{ jobId: number; status: string; product?: string | null }>): Promise<void> {
    for (const job of jobs) {
      if (!this.jobs.has(job.jobId)) {
        this.jobs.set(job.jobId, { jobId: job.jobId, lastStatus: job.status, flaggedStatus: null, open: job.status !== 'CLOSED' });
      }
    }
  }

  async openJobsAfter(afterId: number, limit: number): Promise<TrackedJob[]> {
    return [...this.jobs.values()]
      .filter((job) => job.open && job.jobId > afterId)
      .sort((a, b) => a.jobId - b.jobId)
      .slice(0, limit)
      .map(({ jobId, lastStatus, flaggedStatus }) => ({ jobId, lastStatus, flaggedStatus }));
  }

  async advance(jobId: number, expected: string, status: string): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (!job || job.lastStatus !== expected) return false;
    Object.assign(job, { lastStatus: status, flaggedStatus: null, open: status !== 'CLOSED' });
    return true;
  }

  async advanceMany(jobIds: readonly number[], expected: string, status: string): Promise<number> {
    let moved = 0;
    for (const jobId of jobIds) if (await this.advance(jobId, expected, status)) moved += 1;
    return moved;
  }

  async flag(jobId: number, observed: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) job.flaggedStatus = observed;
  }
}
