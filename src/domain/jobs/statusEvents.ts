import type { JobEventAnnouncer } from '../notifications/jobEvents.js';
import type { JobEvent } from '../notifications/texts.js';
import type { ClientJob } from './job.js';
import type { JobStatus } from './jobStatus.js';
import type { Clock } from '../shared/ports.js';
import type { JobTracking } from './ports.js';

/** The client's moves the customer hears of (DESIGN.md, Notifications: job events); OPENED and CLOSED are announced by their own steps. */
const EVENT_OF_STATUS: Partial<Record<JobStatus, JobEvent>> = { 'IN PROGRESS': 'job-in-progress', 'JOB COMPLETED': 'job-completed' };

/** A job seen at a new status: the client row as read, the status we tracked before, the one it has now. */
export interface StatusMove {
  job: ClientJob;
  from: string;
  status: JobStatus;
}

/**
 * The one rule for a job's move, whichever path saw it first (staff's PUT, the status mirror
 * finding the client system's change, both at once): each job's event is logged and queued on
 * every channel its customer takes under the notification's deterministic key, so whoever comes
 * second registers and queues nothing new; then tracking advances. Announcing first means a crash
 * in between mirrors the move again, and the second time is a no-op.
 */
export class JobStatusMoves {
  constructor(private readonly ports: { announcer: JobEventAnnouncer; tracking: Pick<JobTracking, 'advance'>; clock: Clock }) {}

  async moved(moves: readonly StatusMove[]): Promise<void> {
    for (const [status, event] of Object.entries(EVENT_OF_STATUS) as Array<[JobStatus, JobEvent]>) {
      const jobs = moves.filter((move) => move.status === status).map((move) => ({ ...move.job, status }));
      await this.ports.announcer.announce(event, jobs);
    }
    const now = this.ports.clock.now();
    for (const move of moves) await this.ports.tracking.advance(move.job.jobId, move.from, move.status, now);
  }
}
