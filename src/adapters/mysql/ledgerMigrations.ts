import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Umzug, type UmzugStorage } from 'umzug';
import type { MysqlPool } from './pool.js';

interface Migration {
  name: string;
  statements: string[];
}

/** Append-only: a released migration is never edited, a change is a new entry. */
export const LEDGER_MIGRATIONS: Migration[] = [
  {
    name: '001-job-trans-sms-log-checkpoint',
    statements: [
      `CREATE TABLE IF NOT EXISTS job_trans (
        trans_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        Job_id INT NOT NULL,
        Job_status VARCHAR(32) NOT NULL,
        creationDate DATETIME(3) NOT NULL,
        Update_note VARCHAR(1024) NOT NULL,
        event_type VARCHAR(16) NOT NULL,
        event_key VARCHAR(191) NOT NULL,
        UNIQUE KEY uq_job_trans_event_key (event_key),
        KEY ix_job_trans_job (Job_id, creationDate)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS sms_log (
        message_key VARCHAR(191) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        kind VARCHAR(16) NOT NULL,
        state VARCHAR(16) NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        to_masked VARCHAR(32) NOT NULL,
        provider_message_id VARCHAR(64) NULL,
        price DECIMAL(12,3) NULL,
        error_code VARCHAR(32) NULL,
        detail VARCHAR(512) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        UNIQUE KEY uq_sms_log_provider_message (provider_message_id),
        KEY ix_sms_log_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS poll_checkpoint (
        name VARCHAR(64) NOT NULL PRIMARY KEY,
        last_job_id INT NOT NULL,
        sweep_job_id INT NOT NULL,
        updated_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    name: '002-payments-tracking-feedback',
    statements: [
      `CREATE TABLE IF NOT EXISTS payments (
        payment_id CHAR(36) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        amount DECIMAL(15,3) NOT NULL,
        currency CHAR(3) NOT NULL,
        paid_at DATETIME(3) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        KEY ix_payments_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS job_tracking (
        Job_id INT NOT NULL PRIMARY KEY,
        last_status VARCHAR(32) NOT NULL,
        is_open TINYINT(1) NOT NULL DEFAULT 1,
        flagged_status VARCHAR(255) NULL,
        updated_at DATETIME(3) NOT NULL,
        KEY ix_job_tracking_open (is_open, Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `ALTER TABLE sms_log
        ADD COLUMN IF NOT EXISTS to_hash CHAR(64) NULL,
        ADD COLUMN IF NOT EXISTS delivery_status VARCHAR(16) NULL,
        ADD COLUMN IF NOT EXISTS delivery_error_code VARCHAR(16) NULL,
        ADD COLUMN IF NOT EXISTS delivered_at DATETIME(3) NULL,
        ADD INDEX IF NOT EXISTS ix_sms_log_to_hash (to_hash, kind, updated_at)`,
      `CREATE TABLE IF NOT EXISTS feedback (
        inbound_message_id VARCHAR(64) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        score TINYINT NULL,
        reply_text VARCHAR(640) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        KEY ix_feedback_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // Mirroring reads every open job each poll; a covering index answers that from the index alone.
    name: '003-job-tracking-covering-index',
    statements: [
      'ALTER TABLE job_tracking ADD INDEX IF NOT EXISTS ix_job_tracking_open_covering (is_open, Job_id, last_status, flagged_status)',
      'ALTER TABLE job_tracking DROP INDEX IF EXISTS ix_job_tracking_open',
    ],
  },
  {
    // Signed payment provider events (Stripe) that could not be placed on a job, for staff.
    name: '004-stripe-payment-flags',
    statements: [
      `CREATE TABLE IF NOT EXISTS payment_flags (
        provider VARCHAR(16) NOT NULL,
        kind VARCHAR(16) NOT NULL,
        event_id VARCHAR(255) NOT NULL,
        event_type VARCHAR(64) NOT NULL,
        object_id VARCHAR(255) NOT NULL,
        reason VARCHAR(512) NOT NULL,
        job_reference VARCHAR(64) NULL,
        payment_id CHAR(36) NULL,
        amount DECIMAL(15,3) NULL,
        currency CHAR(3) NULL,
        flagged_at DATETIME(3) NOT NULL,
        PRIMARY KEY (provider, event_id),
        KEY ix_payment_flags_flagged (flagged_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // Which function made each to_hash (SMS_TO_HASH_VERSION). Rows written before this migration,
    // and rows an older instance still inserts during a deploy, get the default: the bare SHA-256
    // key that rekeyPhoneLookups.ts turns into the HMAC key at start-up. The index finds them
    // without reading the table (InnoDB appends message_key, so a batch is a range scan).
    name: '005-sms-log-to-hash-version',
    statements: [
      `ALTER TABLE sms_log
        ADD COLUMN IF NOT EXISTS to_hash_version TINYINT NOT NULL DEFAULT 1,
        ADD INDEX IF NOT EXISTS ix_sms_log_to_hash_version (to_hash_version)`,
    ],
  },
  {
    // Seed 002: one row per message uuid, and per-bucket counts and exact totals (UTC quarter hour,
    // day, month, year) so a query reads a handful of buckets per customer and type, never messages.
    // `type` compares byte for byte without pad-space ("A", "a" and "A " are three types).
    name: '006-message-statistics',
    statements: [
      `CREATE TABLE IF NOT EXISTS stats_message (
        uuid BINARY(16) NOT NULL PRIMARY KEY,
        customer_id BIGINT UNSIGNED NOT NULL,
        type VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        amount DECIMAL(15,3) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        ingest_id BIGINT UNSIGNED NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS stats_bucket (
        level TINYINT UNSIGNED NOT NULL,
        bucket_start DATETIME NOT NULL,
        customer_id BIGINT UNSIGNED NOT NULL,
        type VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        message_count BIGINT UNSIGNED NOT NULL,
        total_amount DECIMAL(30,3) NOT NULL,
        PRIMARY KEY (level, bucket_start, customer_id, type),
        KEY ix_stats_bucket_customer (customer_id, level, bucket_start)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // Status mirroring visits a slice of the open jobs per poll (POLL_MIRROR_ROWS) and carries on
    // from here. 0 (the default for the existing row) starts from the first open job.
    name: '007-poll-checkpoint-mirror-cursor',
    statements: ['ALTER TABLE poll_checkpoint ADD COLUMN IF NOT EXISTS mirror_job_id INT NOT NULL DEFAULT 0'],
  },
  {
    // Customers (seed 003, DESIGN "Customers"): a unique mobile so that ingestion can find or create
    // them with one INSERT IGNORE per batch. `insert_batch_id` is the random id of the batch insert
    // that created the row, so that insert's own transaction subscribes exactly the customers it
    // created to sms (MySQL 8 has no INSERT ... RETURNING). A job belongs to one customer.
    name: '008-customers',
    statements: [
      `CREATE TABLE IF NOT EXISTS customers (
        customer_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        mobile_e164 VARCHAR(16) NULL,
        email VARCHAR(254) NULL,
        timezone VARCHAR(64) NULL,
        contact_hours TEXT NULL,
        insert_batch_id BIGINT UNSIGNED NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        UNIQUE KEY uq_customers_mobile (mobile_e164)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS customer_subscriptions (
        customer_id BIGINT UNSIGNED NOT NULL,
        channel VARCHAR(16) NOT NULL,
        address VARCHAR(254) NULL,
        PRIMARY KEY (customer_id, channel),
        CONSTRAINT ck_customer_subscriptions_channel CHECK (channel IN ('sms', 'whatsapp', 'email'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS customer_jobs (
        customer_id BIGINT UNSIGNED NOT NULL,
        Job_id INT NOT NULL,
        PRIMARY KEY (customer_id, Job_id),
        UNIQUE KEY uq_customer_jobs_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // Which gateways carry each notification channel, in which order (DESIGN.md, Notifications).
    // Rows are seeded at start-up for the configured providers (INSERT IGNORE), so operators' changes stick.
    name: '009-notification-gateways',
    statements: [
      `CREATE TABLE IF NOT EXISTS notification_gateways (
        channel VARCHAR(16) NOT NULL,
        gateway VARCHAR(32) NOT NULL,
        priority SMALLINT UNSIGNED NOT NULL,
        enabled TINYINT(1) NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (channel, gateway)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // One pipeline for every message (issue 9): the SMS log becomes the notification log, one row
    // per job, event and channel. Existing rows were all SMS, sent (if at all) through the SMS API;
    // their settled time and reason are derived once from what they hold.
    name: '010-notification-log',
    statements: [
      'RENAME TABLE sms_log TO notification_log',
      `ALTER TABLE notification_log
        MODIFY kind VARCHAR(32) NOT NULL,
        ADD COLUMN customer_id BIGINT UNSIGNED NULL AFTER Job_id,
        ADD COLUMN channel VARCHAR(16) NULL AFTER kind,
        ADD COLUMN gateway VARCHAR(32) NULL AFTER attempts,
        ADD COLUMN reason VARCHAR(32) NULL AFTER detail,
        ADD COLUMN settled_at DATETIME(3) NULL AFTER updated_at,
        ADD INDEX ix_notification_log_job_kind (Job_id, kind),
        ADD INDEX ix_notification_log_customer (customer_id, created_at),
        ADD INDEX ix_notification_log_created (created_at),
        DROP INDEX ix_sms_log_job`,
      `UPDATE notification_log SET
        channel = 'sms',
        gateway = IF(attempts > 0, 'vonage-sms', NULL),
        settled_at = IF(state IN ('sent', 'rejected', 'failed', 'skipped', 'unknown'), updated_at, NULL),
        reason = CASE state WHEN 'skipped' THEN 'no-address' WHEN 'rejected' THEN 'invalid-recipient'
          WHEN 'failed' THEN 'provider-error' WHEN 'unknown' THEN 'outcome-unknown' ELSE NULL END`,
      // Instances of the previous release still run during a deploy and write sms_log: an updatable
      // view keeps their reads and writes landing in the same rows (they leave the new columns null).
      'CREATE VIEW sms_log AS SELECT * FROM notification_log',
    ],
  },
  {
    // Contact windows (issue 10): a notification due outside its window waits, scheduled, until then.
    name: '011-notification-log-scheduled-for',
    statements: ['ALTER TABLE notification_log ADD COLUMN scheduled_for DATETIME(3) NULL AFTER settled_at'],
  },
  {
    // Messages that belong to no job (issue 10: broadcasts, after-hours auto-replies). Their words
    // cannot be rebuilt from a client job, so the entry keeps them (`content`, without the address,
    // which comes from the customer) for the poll to requeue. The open-state index lets the poll find
    // stale `queued`/`sending` and overdue `scheduled` entries by key range, never by a table scan.
    name: '012-messages-without-a-job',
    statements: [
      `ALTER TABLE notification_log
        MODIFY Job_id INT NULL,
        ADD COLUMN content TEXT NULL AFTER scheduled_for,
        ADD INDEX ix_notification_log_open (state, scheduled_for, updated_at)`,
      `CREATE TABLE IF NOT EXISTS broadcasts (
        broadcast_id CHAR(36) NOT NULL PRIMARY KEY,
        request_hash CHAR(64) NOT NULL,
        recipients INT NOT NULL,
        sending_now INT NULL,
        scheduled INT NULL,
        skipped INT NULL,
        created_at DATETIME(3) NOT NULL,
        completed_at DATETIME(3) NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE IF NOT EXISTS inbox_messages (
        message_id VARCHAR(64) NOT NULL PRIMARY KEY,
        channel VARCHAR(16) NOT NULL,
        sender VARCHAR(32) NOT NULL,
        customer_id BIGINT UNSIGNED NULL,
        text TEXT NOT NULL,
        received_at DATETIME(3) NOT NULL,
        status VARCHAR(16) NOT NULL,
        auto_reply_key VARCHAR(191) NULL,
        handled_at DATETIME(3) NULL,
        KEY ix_inbox_messages_status (status, received_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // An email's provider id is its Message-ID, which names the notification key: a broadcast's or a
    // reward's runs past the SMS-era 64 characters. 191 is the longest a utf8mb4 key column can be indexed whole.
    name: '013-longer-provider-message-ids',
    statements: ['ALTER TABLE notification_log MODIFY provider_message_id VARCHAR(191) NULL'],
  },
  {
    // A gateway failing for its own sake (credentials, not enabled, suspended: issue 21) is marked
    // unhealthy for the channel until it takes a message again; a row exists only while it is.
    name: '014-gateway-health',
    statements: [
      `CREATE TABLE IF NOT EXISTS gateway_health (
        channel VARCHAR(16) NOT NULL,
        gateway VARCHAR(32) NOT NULL,
        error_code VARCHAR(32) NOT NULL,
        detail VARCHAR(255) NOT NULL,
        unhealthy_since DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (channel, gateway)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    ],
  },
  {
    // Issue 26: a reward's code and a broadcast's text do not stay in clear once sent. The words the
    // entry keeps after it settles are written with it, and record() swaps them in as it settles.
    name: '016-notification-log-settled-content',
    statements: ['ALTER TABLE notification_log ADD COLUMN settled_content TEXT NULL AFTER content'],
  },
  {
    // Issue 21, feedback only when a reply reads as a score. A message that answers a feedback
    // request without one is for staff, about that job: inbox_messages.Job_id. GET /api/feedback
    // pages newest first by key range: feedback_id grows with each reply, and its unique index
    // answers `feedback_id < ? ORDER BY feedback_id DESC LIMIT n` without a sort. The customer is kept
    // with the reply (the job's customer when it was received); earlier rows take it from
    // customer_jobs. Rows already stored are numbered in primary-key order.
    name: '018-feedback-list-and-inbox-jobs',
    statements: [
      'ALTER TABLE inbox_messages ADD COLUMN Job_id INT NULL AFTER customer_id',
      `ALTER TABLE feedback
        ADD COLUMN feedback_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        ADD UNIQUE KEY uq_feedback_id (feedback_id),
        ADD COLUMN customer_id BIGINT UNSIGNED NULL AFTER Job_id`,
      'UPDATE feedback f JOIN customer_jobs cj ON cj.Job_id = f.Job_id SET f.customer_id = cj.customer_id WHERE f.customer_id IS NULL',
    ],
  },
  {
    // Issue 21, statistics accept what seed 002's schema accepts: a message id is any string of 1 to
    // 128 characters, kept as its UTF-8 bytes (at most 512) and compared byte for byte, with no
    // collation (an RFC 4122 UUID arrives lower-cased, so it still compares without case). The ids
    // stored so far as 16 raw bytes become their lower-case 8-4-4-4-12 text, the form the code
    // now writes; every row was 16 bytes before this migration.
    name: '019-stats-message-any-uuid',
    statements: [
      'ALTER TABLE stats_message MODIFY uuid VARBINARY(512) NOT NULL',
      `UPDATE stats_message SET uuid = LOWER(CONCAT_WS('-', SUBSTR(HEX(uuid), 1, 8), SUBSTR(HEX(uuid), 9, 4), SUBSTR(HEX(uuid), 13, 4), SUBSTR(HEX(uuid), 17, 4), SUBSTR(HEX(uuid), 21, 12)))
        WHERE LENGTH(uuid) = 16`,
    ],
  },
];

/** `notification_log.to_hash_version`: 1 is the bare SHA-256 key of old releases, 2 the HMAC keyed by PHONE_KEY_SECRET. */
export const SMS_TO_HASH_VERSION = { legacySha256: 1, hmac: 2 } as const;

const LOCK_NAME = 'repair-relay-ledger-migrations';

/**
 * Runs `work` on one connection while holding the MySQL named lock `name`, so instances starting
 * together take turns. `acquired` is false when the lock was not free within `timeoutSeconds`.
 */
export async function withNamedLock<T>(
  pool: MysqlPool,
  name: string,
  timeoutSeconds: number,
  work: (connection: PoolConnection, acquired: boolean) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  try {
    const [[lock]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [name, timeoutSeconds]);
    const acquired = lock?.acquired === 1;
    try {
      return await work(connection, acquired);
    } finally {
      if (acquired) await connection.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    connection.release();
  }
}

/**
 * Applies pending ledger migrations. A MySQL named lock serialises instances starting together;
 * the umzug storage table records what has run, so a second call does nothing.
 */
export async function migrateLedger(pool: MysqlPool, migrations: Migration[] = LEDGER_MIGRATIONS): Promise<string[]> {
  return withNamedLock(pool, LOCK_NAME, 60, async (connection, acquired) => {
    if (!acquired) throw new Error('could not take the ledger migration lock within 60 s');
    await connection.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(191) NOT NULL PRIMARY KEY, applied_at DATETIME(3) NOT NULL)',
    );
    const storage: UmzugStorage = {
      async executed() {
        const [rows] = await connection.query<RowDataPacket[]>('SELECT name FROM schema_migrations ORDER BY name');
        return rows.map((row) => String(row.name));
      },
      async logMigration({ name }) {
        await connection.query('INSERT INTO schema_migrations (name, applied_at) VALUES (?, UTC_TIMESTAMP(3))', [name]);
      },
      async unlogMigration({ name }) {
        await connection.query('DELETE FROM schema_migrations WHERE name = ?', [name]);
      },
    };
    const umzug = new Umzug({
      migrations: migrations.map((migration) => ({
        name: migration.name,
        up: async () => {
          for (const statement of migration.statements) await connection.query(statement);
        },
      })),
      storage,
      logger: undefined,
    });
    const applied = await umzug.up();
    return applied.map((migration) => migration.name);
  });
}
