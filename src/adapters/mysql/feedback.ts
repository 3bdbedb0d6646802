import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { CustomerFeedback, FeedbackReply } from '../../domain/feedback/ports.js';
import type { MysqlPool } from './pool.js';

/** The ledger's `feedback` table (migration 002): one row per inbound Vonage message, keyed by its id. */
export class MysqlCustomerFeedback implements CustomerFeedback {
  constructor(private readonly pool: MysqlPool) {}

  async record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      'INSERT IGNORE INTO feedback (inbound_message_id, Job_id, score, reply_text, received_at) VALUES (?, ?, ?, ?, ?)',
      [reply.inboundMessageId, reply.jobId, reply.score, reply.text, reply.receivedAt],
    );
    return result.affectedRows === 1 ? 'recorded' : 'duplicate';
  }

  async get(inboundMessageId: string): Promise<FeedbackReply | undefined> {
    return (await this.select('inbound_message_id = ?', inboundMessageId))[0];
  }

  async forJob(jobId: number): Promise<FeedbackReply[]> {
    return this.select('Job_id = ?', jobId);
  }

  private async select(where: string, value: string | number): Promise<FeedbackReply[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT inbound_message_id, Job_id, score, reply_text, received_at FROM feedback WHERE ${where} ORDER BY received_at, inbound_message_id`,
      [value],
    );
    return rows.map((row) => ({
      inboundMessageId: String(row.inbound_message_id),
      jobId: Number(row.Job_id),
      score: row.score === null ? null : Number(row.score),
      text: String(row.reply_text),
      receivedAt: row.received_at as Date,
    }));
  }
}
