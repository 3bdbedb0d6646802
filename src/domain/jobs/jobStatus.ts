export const JOB_STATUSES = ['NEW', 'OPENED', 'IN PROGRESS', 'JOB COMPLETED', 'CLOSED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export function statusRank(status: JobStatus): number {
  return JOB_STATUSES.indexOf(status);
}

/** Statuses only move forward, one step at a time. */
export function isNextStatus(from: JobStatus, to: JobStatus): boolean {
  return statusRank(to) === statusRank(from) + 1;
}
