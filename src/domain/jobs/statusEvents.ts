import { queueJobNotifications, type NotificationOutboxDeps } from '../notifications/outbox.js';
import type { JobEvent } from '../notifications/texts.js';
import type { ClientJob } from './job.js';
import type { JobStatus } from './jobStatus.js';

/** The client's moves the customer hears of (DESIGN.md, Notifications: job events); OPENED and CLOSED are announced by their own steps. */
const EVENT_OF_STATUS: Partial<Record<JobStatus, JobEvent>> = { 'IN PROGRESS': 'job-in-progress', 'JOB COMPLETED': 'job-completed' };

/**
 * The one rule for telling customers their jobs moved, whichever path saw the move first (staff's
 * PUT, the status mirror finding the client system's change, both at once): each job's event is
 * logged and queued on every channel its customer takes under the notification's deterministic
 * key, so whoever comes second registers and queues nothing new. A caller announces before it
 * advances tracking: a crash in between mirrors the move again, and the second time is a no-op.
 */
export async function announceStatusMoves(deps: NotificationOutboxDeps, moves: ReadonlyArray<{ job: ClientJob; status: JobStatus }>): Promise<void> {
  for (const [status, event] of Object.entries(EVENT_OF_STATUS) as Array<[JobStatus, JobEvent]>) {
    const jobs = moves.filter((move) => move.status === status).map((move) => ({ ...move.job, status }));
    await queueJobNotifications(deps, event, jobs);
  }
}
