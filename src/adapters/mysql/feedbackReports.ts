import type { RowDataPacket } from 'mysql2/promise';
import type { FeedbackEntry, FeedbackPage, FeedbackReports, QuarterScores } from '../../domain/feedback/ports.js';
import { FEEDBACK_COLUMNS, feedbackEntry } from './feedback.js';
import type { MysqlPool } from './pool.js';

const QUARTER_MS = 15 * 60_000;

/** The console's reads of the ledger's `feedback` table, each through an index of migration 031. */
export class MysqlFeedbackReports implements FeedbackReports {
  constructor(private readonly pool: MysqlPool) {}

  async scoresByQuarter(start: Date, end: Date): Promise<QuarterScores[]> {
    // ix_feedback_received (received_at, score) covers it. Quarter hours counted from 1970 by
    // DATETIME arithmetic alone, so the session's time zone plays no part.
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT TIMESTAMPDIFF(MINUTE, TIMESTAMP'1970-01-01 00:00:00', received_at) DIV 15 AS quarter, COUNT(*) AS n, SUM(score) AS total
       FROM feedback WHERE received_at >= ? AND received_at < ? AND score IS NOT NULL
       GROUP BY quarter ORDER BY quarter`,
      [start, end],
    );
    return rows.map((row) => ({ quarterStart: new Date(Number(row.quarter) * QUARTER_MS), count: Number(row.n), sum: Number(row.total) }));
  }

  async lowScores(maxScore: number, page: FeedbackPage): Promise<FeedbackEntry[]> {
    // One key range per score on ix_feedback_score (score, feedback_id), merged: never a scan of the other scores.
    const branch = `(SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE score = ?${page.before === undefined ? '' : ' AND feedback_id < ?'} ORDER BY feedback_id DESC LIMIT ?)`;
    const scores = Array.from({ length: maxScore }, (_, i) => i + 1);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `${scores.map(() => branch).join(' UNION ALL ')} ORDER BY feedback_id DESC LIMIT ?`,
      [...scores.flatMap((score) => [score, ...(page.before === undefined ? [] : [page.before]), page.limit]), page.limit],
    );
    return rows.map(feedbackEntry);
  }
}
