import type { RowDataPacket } from 'mysql2/promise';
import type { ConsoleInbox, InboxQuery, Slice } from '../../domain/console/ports.js';
import type { InboundChannel, Inbox, InboxMessage, InboxStatus } from '../../domain/inbox/ports.js';
import type { MysqlPool } from './pool.js';

const COLUMNS = 'message_id, channel, sender, customer_id, Job_id, text, received_at, status, handled_at, auto_reply_key';

interface InboxRow extends RowDataPacket {
  message_id: string;
  channel: InboundChannel;
  sender: string;
  customer_id: string | null;
  Job_id: number | null;
  text: string;
  received_at: Date;
  status: InboxStatus;
  handled_at: Date | null;
  auto_reply_key: string | null;
}

function toMessage(row: InboxRow): InboxMessage {
  return {
    messageId: row.message_id,
    channel: row.channel,
    from: row.sender,
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    jobId: row.Job_id,
    text: row.text,
    receivedAt: row.received_at,
    status: row.status,
    handledAt: row.handled_at,
    autoReplyKey: row.auto_reply_key,
  };
}

/** The ledger's `inbox_messages` table (migration 012; the job link, 018), keyed by the provider's message id; listed by (status, received_at). */
export class MysqlInbox implements Inbox, ConsoleInbox {
  constructor(private readonly pool: MysqlPool) {}

  async keep(message: Omit<InboxMessage, 'status' | 'handledAt'>): Promise<InboxMessage> {
    await this.pool.execute(
      `INSERT IGNORE INTO inbox_messages (message_id, channel, sender, customer_id, Job_id, text, received_at, status, auto_reply_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      [message.messageId, message.channel, message.from, message.customerId, message.jobId, message.text, message.receivedAt, message.autoReplyKey],
    );
    const stored = await this.get(message.messageId);
    if (!stored) throw new Error(`inbox message ${message.messageId} was neither kept nor found`);
    return stored;
  }

  async list(status: InboxStatus, limit: number): Promise<InboxMessage[]> {
    const order = status === 'pending' ? 'ASC' : 'DESC';
    const [rows] = await this.pool.query<InboxRow[]>(
      `SELECT ${COLUMNS} FROM inbox_messages WHERE status = ? ORDER BY received_at ${order}, message_id ${order} LIMIT ?`,
      [status, limit],
    );
    return rows.map(toMessage);
  }

  async setStatus(messageId: string, status: InboxStatus, at: Date): Promise<InboxMessage | undefined> {
    await this.pool.execute(
      `UPDATE inbox_messages SET handled_at = IF(? = 'handled', COALESCE(handled_at, ?), NULL), status = ? WHERE message_id = ?`,
      [status, at, status, messageId],
    );
    return this.get(messageId);
  }

  /** The console's pages, newest first by key range on ix_inbox_messages_status (status, received_at; message_id, the primary key, ends it). */
  async page(query: InboxQuery): Promise<Slice<InboxMessage>> {
    const after = query.before ? 'AND (received_at < ? OR (received_at = ? AND message_id < ?))' : '';
    const [rows] = await this.pool.query<InboxRow[]>(
      `SELECT ${COLUMNS} FROM inbox_messages WHERE status = ? ${after} ORDER BY received_at DESC, message_id DESC LIMIT ?`,
      [query.status, ...(query.before ? [query.before.receivedAt, query.before.receivedAt, query.before.messageId] : []), query.limit + 1],
    );
    return { items: rows.slice(0, query.limit).map(toMessage), more: rows.length > query.limit };
  }

  /** A job's messages, oldest first, by ix_inbox_messages_job (Job_id, received_at). */
  async forJob(jobId: number): Promise<InboxMessage[]> {
    const [rows] = await this.pool.execute<InboxRow[]>(`SELECT ${COLUMNS} FROM inbox_messages WHERE Job_id = ? ORDER BY received_at, message_id`, [jobId]);
    return rows.map(toMessage);
  }

  async get(messageId: string): Promise<InboxMessage | undefined> {
    const [rows] = await this.pool.execute<InboxRow[]>(`SELECT ${COLUMNS} FROM inbox_messages WHERE message_id = ?`, [messageId]);
    return rows[0] && toMessage(rows[0]);
  }
}
