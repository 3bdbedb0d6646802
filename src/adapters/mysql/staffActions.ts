import type { RowDataPacket } from 'mysql2/promise';
import type { StaffAction, StaffActions } from '../../domain/console/ports.js';
import type { MysqlPool } from './pool.js';

/** The ledger's `staff_actions` audit table (migration 022); a job's rows are read by ix_staff_actions_job (Job_id, at). */
export class MysqlStaffActions implements StaffActions {
  constructor(private readonly pool: MysqlPool) {}

  async record(action: StaffAction): Promise<void> {
    await this.pool.execute(
      'INSERT INTO staff_actions (actor_id, actor_name, actor_role, action, Job_id, target, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [action.actorId.slice(0, 128), action.actorName.slice(0, 200), action.actorRole, action.action, action.jobId, action.target?.slice(0, 191) ?? null, action.at],
    );
  }

  async forJob(jobId: number): Promise<StaffAction[]> {
    const [rows] = await this.pool.execute<RowDataPacket[]>(
      'SELECT actor_id, actor_name, actor_role, action, Job_id, target, at FROM staff_actions WHERE Job_id = ? ORDER BY at, action_id',
      [jobId],
    );
    return rows.map((row) => ({
      actorId: String(row.actor_id),
      actorName: String(row.actor_name),
      actorRole: row.actor_role as StaffAction['actorRole'],
      action: row.action as StaffAction['action'],
      jobId: row.Job_id === null ? null : Number(row.Job_id),
      target: row.target === null ? null : String(row.target),
      at: row.at as Date,
    }));
  }
}
