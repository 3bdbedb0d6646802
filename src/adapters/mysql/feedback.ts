import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { CustomerFeedback, FeedbackEntry, FeedbackPage, FeedbackReply } from '../../domain/feedback/ports.js';
import type { MysqlPool } from './pool.js';

export const FEEDBACK_COLUMNS = 'feedback_id, inbound_message_id, Job_id, customer_id, score, reply_text, received_at';

export function feedbackEntry(row: RowDataPacket): FeedbackEntry {
  return {
    feedbackId: Number(row.feedback_id),
    inboundMessageId: String(row.inbound_message_id),
    jobId: Number(row.Job_id),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    score: row.score === null ? null : Number(row.score),
    text: String(row.reply_text),
    receivedAt: row.received_at as Date,
  };
}

function toReply({ feedbackId: _listPosition, ...reply }: FeedbackEntry): FeedbackReply {
  return reply;
}

/** The ledger's `feedback` table (migration 002; its list key and customer, 018): one row per inbound Vonage message, keyed by its id. */
export class MysqlCustomerFeedback implements CustomerFeedback {
  constructor(private readonly pool: MysqlPool) {}

  async record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      'INSERT IGNORE INTO feedback (inbound_message_id, Job_id, customer_id, score, reply_text, received_at) VALUES (?, ?, ?, ?, ?, ?)',
      [reply.inboundMessageId, reply.jobId, reply.customerId, reply.score, reply.text, reply.receivedAt],
    );
    return result.affectedRows === 1 ? 'recorded' : 'duplicate';
  }

  async get(inboundMessageId: string): Promise<FeedbackReply | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE inbound_message_id = ?`, [inboundMessageId]);
    return rows[0] && toReply(feedbackEntry(rows[0]));
  }

  async forJob(jobId: number): Promise<FeedbackReply[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE Job_id = ? ORDER BY received_at, inbound_message_id`,
      [jobId],
    );
    return rows.map((row) => toReply(feedbackEntry(row)));
  }

  async list(page: FeedbackPage): Promise<FeedbackEntry[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${FEEDBACK_COLUMNS} FROM feedback ${page.before === undefined ? '' : 'WHERE feedback_id < ?'} ORDER BY feedback_id DESC LIMIT ?`,
      page.before === undefined ? [page.limit] : [page.before, page.limit],
    );
    return rows.map(feedbackEntry);
  }
}
