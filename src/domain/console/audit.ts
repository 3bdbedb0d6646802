import type { Clock } from '../shared/ports.js';
import type { StaffAction, StaffActions } from './ports.js';
import { staffRole, type StaffUser } from './staff.js';

export interface AuditDeps {
  staffActions: StaffActions;
  clock: Clock;
}

/** Writes who did what, on which job and target, now: every staff action of the console is audited. */
export async function recordStaffAction(deps: AuditDeps, user: StaffUser, action: StaffAction['action'], jobId: number | null, target: string | null): Promise<void> {
  await deps.staffActions.record({ actorId: user.id, actorName: user.name, actorRole: staffRole(user), action, jobId, target, at: deps.clock.now() });
}
