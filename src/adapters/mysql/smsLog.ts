import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { SmsDeliveryStatus, SmsDelivery, SmsLog, SmsLogEntry, SmsLogEntryWithDelivery, SmsOutcome, SmsRegistration, SmsState } from '../../domain/notifications/ports.js';
import type { SmsKind } from '../../domain/notifications/smsMessage.js';
import { coalesce } from '../../domain/shared/coalesce.js';
import { SMS_TO_HASH_VERSION } from './ledgerMigrations.js';
import { placeholders, type MysqlPool } from './pool.js';

const COLUMNS =
  'message_key, Job_id, kind, state, attempts, to_masked, to_hash, provider_message_id, price, error_code, detail, updated_at';

interface SmsLogRow extends RowDataPacket {
  message_key: string;
  Job_id: number;
  kind: SmsKind;
  state: SmsState;
  attempts: number;
  to_masked: string;
  to_hash: string | null;
  provider_message_id: string | null;
  price: string | null;
  error_code: string | null;
  detail: string | null;
  updated_at: Date;
}

interface SmsLogDeliveryRow extends SmsLogRow {
  delivery_status: SmsDeliveryStatus | null;
  delivery_error_code: string | null;
  delivered_at: Date | null;
}

function toEntryWithDelivery(row: SmsLogDeliveryRow): SmsLogEntryWithDelivery {
  return {
    ...toEntry(row),
    delivery: row.delivery_status
      ? { status: row.delivery_status, errorCode: row.delivery_error_code, deliveredAt: row.delivered_at }
      : null,
  };
}

function toEntry(row: SmsLogRow): SmsLogEntry {
  return {
    messageKey: row.message_key,
    jobId: Number(row.Job_id),
    kind: row.kind,
    state: row.state,
    attempts: Number(row.attempts),
    toMasked: row.to_masked,
    toHash: row.to_hash,
    providerMessageId: row.provider_message_id,
    price: row.price,
    errorCode: row.error_code,
    detail: row.detail,
    updatedAt: row.updated_at,
  };
}

/** Every state change is a conditional UPDATE on the state it expects, so concurrent consumers cannot both win. */
export class MysqlSmsLog implements SmsLog {
  /** Concurrent deliveries each read their entry; reads made together go as one query. */
  private readonly getTogether = coalesce(async (keys: readonly string[]) => {
    const entries = new Map((await this.getMany([...new Set(keys)])).map((entry) => [entry.messageKey, entry]));
    return keys.map((key) => entries.get(key));
  }, 100);

  constructor(private readonly pool: MysqlPool) {}

  async register(entries: readonly SmsRegistration[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT IGNORE INTO sms_log (message_key, Job_id, kind, state, attempts, to_masked, to_hash, to_hash_version, detail, created_at, updated_at)
       VALUES ${placeholders(entries.length, '(?, ?, ?, ?, 0, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))')}`,
      entries.flatMap((e) => [e.messageKey, e.jobId, e.kind, e.state, e.toMasked, e.toHash, SMS_TO_HASH_VERSION.hmac, e.detail]),
    );
  }

  async get(messageKey: string): Promise<SmsLogEntry | undefined> {
    return this.getTogether(messageKey);
  }

  async getMany(messageKeys: readonly string[]): Promise<SmsLogEntry[]> {
    if (messageKeys.length === 0) return [];
    const [rows] = await this.pool.query<SmsLogRow[]>(
      `SELECT ${COLUMNS} FROM sms_log WHERE message_key IN (${placeholders(messageKeys.length)})`,
      [...messageKeys],
    );
    return rows.map(toEntry);
  }

  async claimForSending(messageKey: string, expected: SmsState, attempts: number): Promise<boolean> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE sms_log SET state = 'sending', attempts = attempts + 1, updated_at = UTC_TIMESTAMP(3)
       WHERE message_key = ? AND state = ? AND attempts = ?`,
      [messageKey, expected, attempts],
    );
    return result.affectedRows === 1;
  }

  async record(messageKey: string, expected: SmsState, outcome: SmsOutcome): Promise<boolean> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE sms_log SET state = ?, provider_message_id = COALESCE(?, provider_message_id), price = COALESCE(?, price),
         error_code = ?, detail = ?, updated_at = UTC_TIMESTAMP(3)
       WHERE message_key = ? AND state = ?`,
      [
        outcome.state,
        outcome.providerMessageId ?? null,
        outcome.price ?? null,
        outcome.errorCode ?? null,
        outcome.detail?.slice(0, 512) ?? null,
        messageKey,
        expected,
      ],
    );
    return result.affectedRows === 1;
  }

  async getWithDelivery(messageKey: string): Promise<SmsLogEntryWithDelivery | undefined> {
    return this.selectWithDelivery('message_key = ?', messageKey);
  }

  async findByProviderMessageId(providerMessageId: string): Promise<SmsLogEntryWithDelivery | undefined> {
    return this.selectWithDelivery('provider_message_id = ?', providerMessageId);
  }

  private async selectWithDelivery(where: string, value: string): Promise<SmsLogEntryWithDelivery | undefined> {
    const [rows] = await this.pool.query<SmsLogDeliveryRow[]>(
      `SELECT ${COLUMNS}, delivery_status, delivery_error_code, delivered_at FROM sms_log WHERE ${where} LIMIT 1`,
      [value],
    );
    return rows[0] && toEntryWithDelivery(rows[0]);
  }

  /** Leaves `updated_at` alone: it times the send (stale `sending`, re-queueing), which a receipt does not touch. */
  async recordDelivery(messageKey: string, expected: SmsDeliveryStatus | null, delivery: SmsDelivery): Promise<boolean> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE sms_log SET delivery_status = ?, delivery_error_code = ?, delivered_at = COALESCE(?, delivered_at)
       WHERE message_key = ? AND delivery_status <=> ?`,
      [delivery.status, delivery.errorCode, delivery.deliveredAt, messageKey, expected],
    );
    return result.affectedRows === 1;
  }

  async latestSentTo(toHash: string, kind: SmsKind): Promise<SmsLogEntry | undefined> {
    const [rows] = await this.pool.query<SmsLogRow[]>(
      `SELECT ${COLUMNS} FROM sms_log WHERE to_hash = ? AND kind = ? AND state = 'sent'
       ORDER BY created_at DESC, message_key DESC LIMIT 1`,
      [toHash, kind],
    );
    return rows[0] && toEntry(rows[0]);
  }
}
