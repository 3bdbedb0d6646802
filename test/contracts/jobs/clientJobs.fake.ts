import type { ClientJob } from '../../../src/domain/jobs/job.js';
import type { JobStatus } from '../../../src/domain/jobs/jobStatus.js';
import type { ClientJobs } from '../../../src/domain/jobs/ports.js';

export function clientJob(jobId: number, overrides: Partial<ClientJob> = {}): ClientJob {
  return {
    jobId,
    jobType: 'warranty repair',
    status: 'NEW',
    firstName: 'Joe',
    lastName: 'Bloggs',
    postcode: 'SG13 7TZ',
    mobile: '+447770 123456',
    productId: '123',
    productType: 'spider catcher',
    ...overrides,
  };
}

export class FakeClientJobs implements ClientJobs {
  readonly rows = new Map<number, ClientJob>();
  readsAfter = 0;

  constructor(jobs: ClientJob[] = []) {
    this.add(...jobs);
  }

  add(...jobs: ClientJob[]): void {
    for (const job of jobs) this.rows.set(job.jobId, { ...job });
  }

  status(jobId: number): string | null | undefined {
    return this.rows.get(jobId)?.status;
  }

  private sorted(): ClientJob[] {
    return [...this.rows.values()].sort((a, b) => a.jobId - b.jobId).map((job) => ({ ...job }));
  }

  async readJobsAfter(afterId: number, limit: number): Promise<ClientJob[]> {
    this.readsAfter += 1;
    return this.sorted().filter((job) => job.jobId > afterId).slice(0, limit);
  }

  async readNewJobsInRange(fromExclusive: number, toInclusive: number): Promise<ClientJob[]> {
    return this.sorted().filter((job) => job.jobId > fromExclusive && job.jobId <= toInclusive && job.status === 'NEW');
  }

  async readJobs(jobIds: readonly number[]): Promise<ClientJob[]> {
    return this.sorted().filter((job) => jobIds.includes(job.jobId));
  }

  async moveStatus(jobId: number, from: JobStatus, to: JobStatus): Promise<boolean> {
    const row = this.rows.get(jobId);
    if (!row || row.status !== from) return false;
    row.status = to;
    return true;
  }

  async moveStatuses(jobIds: readonly number[], from: JobStatus, to: JobStatus): Promise<Set<number>> {
    for (const jobId of jobIds) await this.moveStatus(jobId, from, to);
    return new Set(jobIds.filter((jobId) => this.rows.get(jobId)?.status === to));
  }
}
