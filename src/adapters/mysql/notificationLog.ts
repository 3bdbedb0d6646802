import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Channel, GatewayName } from '../../domain/channels/ports.js';
import {
  FINAL_NOTIFICATION_STATES,
  type AttemptOutcome,
  type Delivery,
  type DeliveryStatus,
  type NotificationEntry,
  type JobNotificationEntry,
  type NotificationEntryWithDelivery,
  type NotificationFilter,
  type NotificationLog,
  type NotificationOutcome,
  type NotificationReason,
  type NotificationRegistration,
  type NotificationState,
  type StrandedFilter,
} from '../../domain/notifications/ports.js';
import type { JobBoundEvent, NotificationContent, NotificationEvent } from '../../domain/notifications/texts.js';
import { coalesce } from '../../domain/shared/coalesce.js';
import { SMS_TO_HASH_VERSION } from './migrations/005-sms-log-to-hash-version.js';
import { placeholders, type MysqlPool } from './pool.js';

const COLUMNS =
  'message_key, Job_id, customer_id, kind, channel, state, attempts, gateway, to_masked, to_hash, provider_message_id, price, error_code, detail, reason, created_at, updated_at, settled_at, scheduled_for, content';
export const WITH_DELIVERY = `${COLUMNS}, delivery_status, delivery_error_code, delivered_at`;

interface NotificationLogRow extends RowDataPacket {
  message_key: string;
  Job_id: number | null;
  customer_id: string | null;
  kind: NotificationEvent;
  channel: Channel | null;
  state: NotificationState;
  attempts: number;
  gateway: GatewayName | null;
  to_masked: string;
  to_hash: string | null;
  provider_message_id: string | null;
  price: string | null;
  error_code: string | null;
  detail: string | null;
  reason: NotificationReason | null;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
  scheduled_for: Date | null;
  content: string | null;
}

export interface NotificationLogDeliveryRow extends NotificationLogRow {
  delivery_status: DeliveryStatus | null;
  delivery_error_code: string | null;
  delivered_at: Date | null;
}

export function toEntryWithDelivery(row: NotificationLogDeliveryRow): NotificationEntryWithDelivery {
  return {
    ...toEntry(row),
    delivery: row.delivery_status ? { status: row.delivery_status, errorCode: row.delivery_error_code, deliveredAt: row.delivered_at } : null,
  };
}

function toEntry(row: NotificationLogRow): NotificationEntry {
  return {
    messageKey: row.message_key,
    jobId: row.Job_id === null ? null : Number(row.Job_id),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    kind: row.kind,
    channel: row.channel,
    state: row.state,
    attempts: Number(row.attempts),
    gateway: row.gateway,
    toMasked: row.to_masked,
    toHash: row.to_hash,
    providerMessageId: row.provider_message_id,
    price: row.price,
    errorCode: row.error_code,
    detail: row.detail,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    settledAt: row.settled_at,
    scheduledFor: row.scheduled_for,
    // Written by `register` below from the domain's NotificationContent.
    content: row.content === null ? null : (JSON.parse(row.content) as NotificationContent),
  };
}

/** Entries read by a job column are the job's (forJobs, latestSentTo filter by a job-bound kind). */
function toJobEntry(row: NotificationLogRow): JobNotificationEntry {
  return toEntry(row) as JobNotificationEntry;
}

const FINAL_STATES_SQL = FINAL_NOTIFICATION_STATES.map((state) => `'${state}'`).join(', ');

/** DESIGN.md's outcome of an entry as SQL, the same rule as `notificationOutcome` in the domain's delivery log. */
const OUTCOME_CONDITIONS: Record<NotificationOutcome, string> = {
  scheduled: "state = 'scheduled'",
  queued: "state IN ('queued', 'sending', 'retrying')",
  sent: "state = 'sent' AND (delivery_status IS NULL OR delivery_status NOT IN ('delivered', 'failed', 'expired', 'rejected'))",
  delivered: "state = 'sent' AND delivery_status = 'delivered'",
  failed: "state IN ('rejected', 'failed', 'unknown') OR (state = 'sent' AND delivery_status IN ('failed', 'expired', 'rejected'))",
  skipped: "state = 'skipped'",
};

type SqlValue = string | number | Date | null;

/** One conditional UPDATE: its SQL with placeholders and their values. */
interface ConditionalWrite {
  sql: string;
  values: SqlValue[];
}

/**
 * Every state change is a conditional UPDATE on the state it expects, so concurrent consumers
 * cannot both win. With a pool that allows multiple statements, the claims, gateway switches and
 * outcomes of concurrent deliveries go to the server together, one round trip for a batch, each
 * statement still conditional on its own row and answering its own affected-row count.
 */
export class MysqlNotificationLog implements NotificationLog {
  /** Concurrent deliveries each read their entry; reads made together go as one query. */
  private readonly getTogether = coalesce(async (keys: readonly string[]) => {
    const entries = new Map((await this.getMany([...new Set(keys)])).map((entry) => [entry.messageKey, entry]));
    return keys.map((key) => entries.get(key));
  }, 100);

  /**
   * Never split and retried: a failed batch may have applied some of its statements, and running a
   * claim again would find it taken (by itself) and strand the entry. Each caller gets the error,
   * which the send path already treats as "not recorded" (AttemptNotRecordedError).
   */
  private readonly writeTogether = coalesce(
    async (writes: readonly ConditionalWrite[]) => {
      if (writes.length === 1 || !this.multiStatementPool) return Promise.all(writes.map((write) => this.writeAlone(write)));
      const [results] = await this.multiStatementPool.query<ResultSetHeader[]>(
        writes.map((write) => write.sql).join(';\n'),
        writes.flatMap((write) => write.values),
      );
      return results.map((result) => result.affectedRows);
    },
    100,
    { splitOnFailure: false },
  );

  /** `multiStatementPool`: the same database through a pool created with `multipleStatements`, for batched writes. */
  constructor(
    private readonly pool: MysqlPool,
    private readonly multiStatementPool?: MysqlPool,
  ) {}

  private async writeAlone(write: ConditionalWrite): Promise<number> {
    const [result] = await this.pool.execute<ResultSetHeader>(write.sql, write.values);
    return result.affectedRows;
  }

  private async write(sql: string, values: SqlValue[]): Promise<boolean> {
    return (await this.writeTogether({ sql, values })) === 1;
  }

  async register(entries: readonly NotificationRegistration[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT IGNORE INTO notification_log
         (message_key, Job_id, customer_id, kind, channel, state, attempts, to_masked, to_hash, to_hash_version, detail, reason, created_at, updated_at, settled_at, scheduled_for, content, settled_content)
       VALUES ${placeholders(entries.length, `(?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), IF(? IN (${FINAL_STATES_SQL}), UTC_TIMESTAMP(3), NULL), ?, ?, ?)`)}`,
      entries.flatMap((e) => [
        e.messageKey,
        e.jobId,
        e.customerId,
        e.kind,
        e.channel,
        e.state,
        e.toMasked,
        e.toHash,
        SMS_TO_HASH_VERSION.hmac,
        e.detail?.slice(0, 512) ?? null,
        e.reason,
        e.state,
        e.scheduledFor ?? null,
        e.content ? JSON.stringify(e.content) : null,
        e.settledContent ? JSON.stringify(e.settledContent) : null,
      ]),
    );
  }

  async get(messageKey: string): Promise<NotificationEntry | undefined> {
    return this.getTogether(messageKey);
  }

  async getMany(messageKeys: readonly string[]): Promise<NotificationEntry[]> {
    if (messageKeys.length === 0) return [];
    const [rows] = await this.pool.query<NotificationLogRow[]>(`SELECT ${COLUMNS} FROM notification_log WHERE message_key IN (${placeholders(messageKeys.length)})`, [
      ...messageKeys,
    ]);
    return rows.map(toEntry);
  }

  async forJobs(jobIds: readonly number[], kind: JobBoundEvent): Promise<JobNotificationEntry[]> {
    if (jobIds.length === 0) return [];
    const [rows] = await this.pool.query<NotificationLogRow[]>(
      `SELECT ${COLUMNS} FROM notification_log WHERE Job_id IN (${placeholders(jobIds.length)}) AND kind = ?`,
      [...jobIds, kind],
    );
    return rows.map(toJobEntry);
  }

  async claimForSending(messageKey: string, expected: NotificationState, attempts: number, gateway: GatewayName): Promise<boolean> {
    return this.write(
      `UPDATE notification_log SET state = 'sending', attempts = attempts + 1, gateway = ?, updated_at = UTC_TIMESTAMP(3)
       WHERE message_key = ? AND state = ? AND attempts = ?`,
      [gateway, messageKey, expected, attempts],
    );
  }

  async switchGateway(messageKey: string, attempts: number, gateway: GatewayName): Promise<boolean> {
    return this.write(
      `UPDATE notification_log SET attempts = attempts + 1, gateway = ?, updated_at = UTC_TIMESTAMP(3)
       WHERE message_key = ? AND state = 'sending' AND attempts = ?`,
      [gateway, messageKey, attempts],
    );
  }

  /** Values are cut to their columns' widths: a batched write must not fail for one value too long (it would fail its whole batch). */
  async record(messageKey: string, expected: NotificationState, outcome: AttemptOutcome): Promise<boolean> {
    return this.write(
      `UPDATE notification_log SET state = ?, gateway = COALESCE(?, gateway), provider_message_id = COALESCE(?, provider_message_id),
         price = COALESCE(?, price), error_code = ?, detail = ?, reason = ?, updated_at = UTC_TIMESTAMP(3),
         settled_at = IF(? IN (${FINAL_STATES_SQL}), UTC_TIMESTAMP(3), NULL), scheduled_for = ?,
         content = IF(? IN (${FINAL_STATES_SQL}), COALESCE(settled_content, content), content)
       WHERE message_key = ? AND state = ?`,
      [
        outcome.state,
        outcome.gateway ?? null,
        outcome.providerMessageId?.slice(0, 191) ?? null,
        outcome.price ?? null,
        outcome.errorCode?.slice(0, 32) ?? null,
        outcome.detail?.slice(0, 512) ?? null,
        outcome.reason ?? null,
        outcome.state,
        outcome.scheduledFor ?? null,
        outcome.state,
        messageKey,
        expected,
      ],
    );
  }

  async getWithDelivery(messageKey: string): Promise<NotificationEntryWithDelivery | undefined> {
    return this.selectWithDelivery('message_key = ?', messageKey);
  }

  async findByProviderMessageId(providerMessageId: string): Promise<NotificationEntryWithDelivery | undefined> {
    return this.selectWithDelivery('provider_message_id = ?', providerMessageId);
  }

  private async selectWithDelivery(where: string, value: string): Promise<NotificationEntryWithDelivery | undefined> {
    const [rows] = await this.pool.query<NotificationLogDeliveryRow[]>(`SELECT ${WITH_DELIVERY} FROM notification_log WHERE ${where} LIMIT 1`, [value]);
    return rows[0] && toEntryWithDelivery(rows[0]);
  }

  /** Leaves `updated_at` alone: it times the send (stale `sending`, re-queueing), which a receipt does not touch. */
  async recordDelivery(messageKey: string, expected: DeliveryStatus | null, delivery: Delivery): Promise<boolean> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE notification_log SET delivery_status = ?, delivery_error_code = ?, delivered_at = COALESCE(?, delivered_at)
       WHERE message_key = ? AND delivery_status <=> ?`,
      [delivery.status, delivery.errorCode, delivery.deliveredAt, messageKey, expected],
    );
    return result.affectedRows === 1;
  }

  async latestSentTo(toHash: string, kind: JobBoundEvent): Promise<JobNotificationEntry | undefined> {
    const [rows] = await this.pool.query<NotificationLogRow[]>(
      `SELECT ${COLUMNS} FROM notification_log WHERE to_hash = ? AND kind = ? AND state = 'sent'
       ORDER BY created_at DESC, message_key DESC LIMIT 1`,
      [toHash, kind],
    );
    return rows[0] && toJobEntry(rows[0]);
  }

  /** Three key ranges of ix_notification_log_open (state, scheduled_for, updated_at): only open entries are read. */
  async stranded(filter: StrandedFilter): Promise<NotificationEntry[]> {
    const [rows] = await this.pool.query<NotificationLogRow[]>(
      `(SELECT ${COLUMNS} FROM notification_log WHERE state = 'queued' AND scheduled_for IS NULL AND updated_at <= ? ORDER BY updated_at LIMIT ?)
       UNION ALL (SELECT ${COLUMNS} FROM notification_log WHERE state = 'sending' AND scheduled_for IS NULL AND updated_at <= ? ORDER BY updated_at LIMIT ?)
       UNION ALL (SELECT ${COLUMNS} FROM notification_log WHERE state = 'scheduled' AND scheduled_for <= ? ORDER BY scheduled_for LIMIT ?)`,
      [filter.queuedUntil, filter.limit, filter.sendingUntil, filter.limit, filter.scheduledUntil, filter.limit],
    );
    return rows.map(toEntry);
  }

  async list(filter: NotificationFilter): Promise<NotificationEntryWithDelivery[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.jobId !== undefined) {
      where.push('Job_id = ?');
      values.push(filter.jobId);
    }
    if (filter.customerId !== undefined) {
      where.push('customer_id = ?');
      values.push(filter.customerId);
    }
    if (filter.outcome !== undefined) where.push(`(${OUTCOME_CONDITIONS[filter.outcome]})`);
    const [rows] = await this.pool.query<NotificationLogDeliveryRow[]>(
      `SELECT ${WITH_DELIVERY} FROM notification_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, message_key DESC LIMIT ?`,
      [...values, filter.limit],
    );
    return rows.map(toEntryWithDelivery);
  }
}
