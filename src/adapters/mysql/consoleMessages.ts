import type { RowDataPacket } from 'mysql2/promise';
import type { ConsoleMessages, ConsoleOutcome, ListedMessage, MessageListQuery, Slice } from '../../domain/console/ports.js';
import { toEntryWithDelivery, WITH_DELIVERY, type NotificationLogDeliveryRow } from './notificationLogRows.js';
import type { MysqlPool } from './pool.js';

interface ListedRow extends NotificationLogDeliveryRow {
  console_outcome: ConsoleOutcome;
  customer_name: string | null;
}

const SELECT = `SELECT ${WITH_DELIVERY
  .split(', ')
  .map((column) => `n.${column}`)
  .join(', ')}, n.console_outcome, c.name AS customer_name`;

/** Outcomes rare enough that their index beats any other filter's (the usual ones, sent and delivered, are most of the log). */
const RARE_OUTCOMES: readonly ConsoleOutcome[] = ['scheduled', 'retrying', 'skipped', 'failed', 'unknown'];

/**
 * The index that answers a query: the most selective filter's, each ending in created_at (and the
 * primary key, message_key), so a page is a key range read newest first without a sort; only a
 * job's few rows are sorted.
 */
function indexFor(query: MessageListQuery): string {
  if (query.jobId !== undefined) return 'ix_notification_log_job_kind';
  if (query.customerId !== undefined) return 'ix_notification_log_customer';
  if (query.outcome !== undefined && RARE_OUTCOMES.includes(query.outcome)) return 'ix_notification_log_outcome';
  if (query.gateway !== undefined) return 'ix_notification_log_gateway';
  if (query.channel !== undefined) return 'ix_notification_log_channel';
  if (query.outcome !== undefined) return 'ix_notification_log_outcome';
  return 'ix_notification_log_created';
}

function toListed(row: ListedRow): ListedMessage {
  return { ...toEntryWithDelivery(row), outcome: row.console_outcome, customerName: row.customer_name };
}

/** The console's view of notification_log (migration 024's console_outcome and indexes). */
export class MysqlConsoleMessages implements ConsoleMessages {
  constructor(private readonly pool: MysqlPool) {}

  /** The SQL and values of a page, apart so the bench can EXPLAIN exactly what the console runs. */
  static listSql(query: MessageListQuery): { sql: string; values: unknown[] } {
    const where: string[] = [];
    const values: unknown[] = [];
    const filter = (condition: string, value: unknown) => {
      where.push(condition);
      values.push(value);
    };
    if (query.jobId !== undefined) filter('n.Job_id = ?', query.jobId);
    if (query.customerId !== undefined) filter('n.customer_id = ?', query.customerId);
    if (query.outcome !== undefined) filter('n.console_outcome = ?', query.outcome);
    if (query.gateway !== undefined) filter('n.gateway = ?', query.gateway);
    if (query.channel !== undefined) filter('n.channel = ?', query.channel);
    if (query.from !== undefined) filter('n.created_at >= ?', query.from);
    if (query.to !== undefined) filter('n.created_at < ?', query.to);
    if (query.before !== undefined) {
      // The range on created_at serves the index; the key breaks ties within one millisecond.
      where.push('n.created_at <= ? AND (n.created_at < ? OR n.message_key < ?)');
      values.push(query.before.createdAt, query.before.createdAt, query.before.key);
    }
    return {
      sql: `${SELECT} FROM notification_log n FORCE INDEX (${indexFor(query)}) LEFT JOIN customers c ON c.customer_id = n.customer_id
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY n.created_at DESC, n.message_key DESC LIMIT ?`,
      values: [...values, query.limit + 1],
    };
  }

  async list(query: MessageListQuery): Promise<Slice<ListedMessage>> {
    const { sql, values } = MysqlConsoleMessages.listSql(query);
    const [rows] = await this.pool.query<ListedRow[]>(sql, values);
    return { items: rows.slice(0, query.limit).map(toListed), more: rows.length > query.limit };
  }

  /** By the primary key's range: the resends' keys all start with the notification's. */
  async resendsOf(messageKey: string): Promise<Array<{ messageKey: string; outcome: ConsoleOutcome }>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      "SELECT message_key, console_outcome FROM notification_log WHERE message_key LIKE ? ORDER BY message_key",
      [`${messageKey.replace(/[\\%_]/g, (c) => `\\${c}`)}-resend-%`],
    );
    return rows.map((row) => ({ messageKey: String(row.message_key), outcome: row.console_outcome as ConsoleOutcome }));
  }

  async unknown(limit: number): Promise<ListedMessage[]> {
    return (await this.list({ outcome: 'unknown', limit })).items;
  }
}
