import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { BUCKET_LEVELS, type BucketLevel, type BucketRange, type BucketSum, type MessageStats, type StatsFilter, type StatsMessage, type StatsPage, type StatsRecordOutcome, type StatsTotal } from '../../domain/stats/ports.js';
import { bucketStart } from '../../domain/stats/statsInterval.js';
import { sameStatsContent } from '../../domain/stats/statsMessage.js';
import { transientOnFailure } from '../system/transientErrors.js';
import { placeholders, retryingRolledBackTransactions, type MysqlPool } from './pool.js';

/** `stats_bucket.level`: 1 quarter hour, 2 UTC day, 3 UTC month, 4 UTC year. */
const LEVEL_NUMBER: Record<BucketLevel, number> = { quarter: 1, day: 2, month: 3, year: 4 };

const LEVEL_OF_NUMBER = new Map(BUCKET_LEVELS.map((level) => [LEVEL_NUMBER[level], level]));

/** One bucket is an equality, so that a lone year bucket is read in key order. */
const single = (r: BucketRange) => r.firstStart.getTime() === r.lastStart.getTime();
const rangeCondition = (r: BucketRange) => (single(r) ? '(level = ? AND bucket_start = ?)' : '(level = ? AND bucket_start BETWEEN ? AND ?)');
const rangeValues = (r: BucketRange) => (single(r) ? [LEVEL_NUMBER[r.level], r.firstStart] : [LEVEL_NUMBER[r.level], r.firstStart, r.lastStart]);

/** The filter's conditions and their values, after the ranges'. */
function filterConditions(filter: StatsFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.customerId !== undefined) {
    where.push('customer_id = ?');
    params.push(filter.customerId);
  }
  if (filter.type !== undefined) {
    where.push('type = ?');
    params.push(filter.type);
  }
  return { where, params };
}

/** In-memory limit of a query's grouping table (MariaDB's default is 16 MiB, then it goes to disk). */
const TEMP_TABLE_BYTES = 256 * 1024 * 1024;

/** `stats_message.uuid` is VARBINARY (migration 019): the id's UTF-8 bytes, compared exactly, whatever the connection's collation. */
const uuidBytes = (uuid: string) => Buffer.from(uuid, 'utf8');

/** `type` is VARBINARY since migration 006 (VARCHAR on older ledgers): UTF-8 text either way. */
const typeText = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/**
 * MariaDB statistics. `record` sends one multi-statement transaction per call, so a batch of a
 * thousand messages is one round trip: a multi-row INSERT of the messages that skips uuids already
 * there, one INSERT ... SELECT that adds exactly the rows this call inserted (found by its random
 * `ingest_id`) to their four buckets, and a read of every uuid to answer per message. The uuid's
 * primary key serialises concurrent copies: the first commits its row and buckets together, the
 * others wait for it and then find the row, so a message is counted once.
 * The pool must allow multiple statements (createMysqlPool(url, n, { multipleStatements: true })).
 */
export class MysqlMessageStats implements MessageStats {
  constructor(private readonly pool: MysqlPool) {}

  async record(messages: readonly StatsMessage[], receivedAt: Date): Promise<StatsRecordOutcome[]> {
    if (messages.length === 0) return [];
    // Sorted and unique, so concurrent batches take row locks in the same order.
    const uuids = [...new Set(messages.map((m) => m.uuid))].sort();
    const first = new Map<string, StatsMessage>();
    for (const message of messages) if (!first.has(message.uuid)) first.set(message.uuid, message);
    const stored = await this.transaction(uuids.map((uuid) => first.get(uuid)!), receivedAt);

    const answered = new Set<string>();
    return messages.map((message): StatsRecordOutcome => {
      const row = stored.get(message.uuid);
      if (!row) throw new Error(`statistics row for ${message.uuid} missing after its insert`);
      const firstCopy = !answered.has(message.uuid);
      answered.add(message.uuid);
      if (row.created && firstCopy) return { outcome: 'created' };
      return sameStatsContent(row.message, message) ? { outcome: 'duplicate' } : { outcome: 'conflict', stored: row.message };
    });
  }

  private async transaction(unique: readonly StatsMessage[], receivedAt: Date): Promise<Map<string, { message: StatsMessage; created: boolean }>> {
    const ingestId = randomBytes(8).readBigUInt64BE().toString();
    const keys = unique.map((m) => uuidBytes(m.uuid));
    const buckets = BUCKET_LEVELS.map((level) => `SELECT ${LEVEL_NUMBER[level]} AS level, CAST(? AS DATETIME) AS bucket_start`).join(' UNION ALL ');
    const sql = [
      'START TRANSACTION',
      `INSERT INTO stats_message (uuid, customer_id, type, amount, received_at, ingest_id) VALUES ${placeholders(unique.length, '(?, ?, ?, ?, ?, ?)')}
        ON DUPLICATE KEY UPDATE uuid = uuid`,
      `INSERT INTO stats_bucket (level, bucket_start, customer_id, type, message_count, total_amount)
        SELECT b.level, b.bucket_start, m.customer_id, m.type, COUNT(*), SUM(m.amount)
        FROM stats_message m CROSS JOIN (${buckets}) b
        WHERE m.uuid IN (${placeholders(unique.length)}) AND m.ingest_id = ?
        GROUP BY b.level, b.bucket_start, m.customer_id, m.type
        ORDER BY b.level, b.bucket_start, m.customer_id, m.type
        ON DUPLICATE KEY UPDATE message_count = message_count + VALUES(message_count), total_amount = total_amount + VALUES(total_amount)`,
      // The same messages once more per type (migration 029); every writer locks these rows in the
      // same key order, after its customer rows, so concurrent batches wait but never deadlock.
      `INSERT INTO stats_type_bucket (level, bucket_start, type, message_count, total_amount)
        SELECT b.level, b.bucket_start, m.type, COUNT(*), SUM(m.amount)
        FROM stats_message m CROSS JOIN (${buckets}) b
        WHERE m.uuid IN (${placeholders(unique.length)}) AND m.ingest_id = ?
        GROUP BY b.level, b.bucket_start, m.type
        ORDER BY b.level, b.bucket_start, m.type
        ON DUPLICATE KEY UPDATE message_count = message_count + VALUES(message_count), total_amount = total_amount + VALUES(total_amount)`,
      `SELECT uuid, customer_id, type, amount, ingest_id = ? AS created FROM stats_message WHERE uuid IN (${placeholders(unique.length)}) LOCK IN SHARE MODE`,
      'COMMIT',
    ].join(';\n');
    const params = [
      ...unique.flatMap((m, i) => [keys[i], m.customerId, m.type, m.amount, receivedAt, ingestId]),
      ...BUCKET_LEVELS.map((level) => bucketStart(level, receivedAt)),
      ...keys,
      ingestId,
      ...BUCKET_LEVELS.map((level) => bucketStart(level, receivedAt)),
      ...keys,
      ingestId,
      ingestId,
      ...keys,
    ];

    return retryingRolledBackTransactions(async () => {
      const connection = await this.pool.getConnection();
      try {
        const [results] = await connection.query<RowDataPacket[][]>(sql, params);
        const rows = results[4] ?? [];
        return new Map(
          rows.map((row) => {
            const uuid = (row.uuid as Buffer).toString('utf8');
            const message = { uuid, customerId: Number(row.customer_id), type: String(row.type), amount: String(row.amount) };
            return [uuid, { message, created: Number(row.created) === 1 }];
          }),
        );
      } catch (error) {
        // A statement that failed mid-way leaves the transaction open on this connection.
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    });
  }

  async reprice(message: StatsMessage, receivedAt: Date): Promise<'created' | 'repriced' | 'unchanged'> {
    const [recorded] = await this.record([message], receivedAt);
    if (recorded?.outcome === 'created') return 'created';
    return transientOnFailure(() => this.repriceCounted(message));
  }

  private async repriceCounted(message: StatsMessage): Promise<'repriced' | 'unchanged'> {
    const connection = await this.pool.getConnection();
    try {
      await connection.query('START TRANSACTION');
      const [[row]] = await connection.query<RowDataPacket[]>('SELECT customer_id, type, amount, received_at FROM stats_message WHERE uuid = ? FOR UPDATE', [uuidBytes(message.uuid)]);
      if (!row) throw new Error(`statistics row for ${message.uuid} missing after its insert`);
      if (String(row.amount) === message.amount) {
        await connection.query('COMMIT');
        return 'unchanged';
      }
      const counted = row.received_at as Date;
      const buckets = BUCKET_LEVELS.map((level) => [LEVEL_NUMBER[level], bucketStart(level, counted)]);
      await connection.query('UPDATE stats_message SET amount = ? WHERE uuid = ?', [message.amount, uuidBytes(message.uuid)]);
      // DECIMAL arithmetic throughout: the old amount out, the new one in, exactly.
      await connection.query(
        `UPDATE stats_bucket SET total_amount = total_amount - CAST(? AS DECIMAL(15,3)) + CAST(? AS DECIMAL(15,3))
         WHERE customer_id = ? AND type = ? AND (${buckets.map(() => '(level = ? AND bucket_start = ?)').join(' OR ')})`,
        [String(row.amount), message.amount, row.customer_id, row.type, ...buckets.flat()],
      );
      await connection.query(
        `UPDATE stats_type_bucket SET total_amount = total_amount - CAST(? AS DECIMAL(15,3)) + CAST(? AS DECIMAL(15,3))
         WHERE type = ? AND (${buckets.map(() => '(level = ? AND bucket_start = ?)').join(' OR ')})`,
        [String(row.amount), message.amount, row.type, ...buckets.flat()],
      );
      await connection.query('COMMIT');
      return 'repriced';
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async totals(ranges: readonly BucketRange[], filter: StatsFilter, page?: StatsPage): Promise<StatsTotal[]> {
    if (ranges.length === 0) return [];
    const subtracted = ranges.filter((r) => r.sign < 0);
    // Subtracted buckets count negatively; no bucket is both added and subtracted.
    const signed = (column: string) =>
      subtracted.length === 0 ? column : `CASE WHEN ${subtracted.map(rangeCondition).join(' OR ')} THEN -${column} ELSE ${column} END`;
    const filtered = filterConditions(filter);
    const where = [`(${ranges.map(rangeCondition).join(' OR ')})`, ...filtered.where];
    // Placeholders in text order: the two signed sums, then the WHERE clause.
    const params: unknown[] = [...subtracted.flatMap(rangeValues), ...subtracted.flatMap(rangeValues), ...ranges.flatMap(rangeValues), ...filtered.params];
    if (page?.after) {
      // Key range on (customer_id, type): served by the primary key's order within each bucket range.
      where.push('(customer_id > ? OR (customer_id = ? AND type > ?))');
      params.push(page.after.customerId, page.after.customerId, Buffer.from(page.after.type, 'utf8'));
    }
    const [rows] = await this.pool.query<RowDataPacket[]>(
      // Every customer over a year groups a few million bucket rows: keep that temporary table in memory.
      // Per statement: MySQL 8 reads the SET_VAR hints, to MariaDB a comment; MariaDB runs its
      // executable comment (`/*M!`), to MySQL a comment, and so gets the same two settings.
      `/*M! SET STATEMENT tmp_table_size = ${TEMP_TABLE_BYTES}, max_heap_table_size = ${TEMP_TABLE_BYTES} FOR */
       SELECT /*+ SET_VAR(tmp_table_size = ${TEMP_TABLE_BYTES}) SET_VAR(max_heap_table_size = ${TEMP_TABLE_BYTES}) */ customer_id, type, SUM(${signed('CAST(message_count AS SIGNED)')}) AS message_count, SUM(${signed('total_amount')}) AS total_amount
       FROM stats_bucket WHERE ${where.join(' AND ')}
       GROUP BY customer_id, type HAVING message_count > 0 ORDER BY customer_id, type${page ? ` LIMIT ${Math.trunc(page.limit)}` : ''}`,
      params,
    );
    return rows.map((row) => ({
      customerId: Number(row.customer_id),
      type: typeText(row.type),
      count: Number(row.message_count),
      totalAmount: String(row.total_amount),
    }));
  }

  async bucketSums(ranges: readonly BucketRange[], filter: StatsFilter): Promise<BucketSum[]> {
    if (ranges.length === 0) return [];
    // Every customer: the per-type rows (primary key level, bucket_start, type); one customer: its
    // own rows through ix_stats_bucket_customer (customer_id, level, bucket_start).
    const table = filter.customerId === undefined ? 'stats_type_bucket' : 'stats_bucket';
    const filtered = filterConditions(filter);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT level, bucket_start, SUM(message_count) AS message_count, SUM(total_amount) AS total_amount
       FROM ${table} WHERE (${ranges.map(rangeCondition).join(' OR ')})${filtered.where.map((c) => ` AND ${c}`).join('')}
       GROUP BY level, bucket_start ORDER BY level, bucket_start`,
      [...ranges.flatMap(rangeValues), ...filtered.params],
    );
    return rows.map((row) => ({
      level: LEVEL_OF_NUMBER.get(Number(row.level))!,
      bucketStart: row.bucket_start as Date,
      count: Number(row.message_count),
      totalAmount: String(row.total_amount),
    }));
  }
}
