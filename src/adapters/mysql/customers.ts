import { randomBytes } from 'node:crypto';
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { coalesce } from '../../domain/shared/coalesce.js';
import { CHANNELS, type Channel, type ContactHours, type Customer, type CustomerProfile, type CustomerState, type Subscription } from '../../domain/customers/customer.js';
import type { CustomerDecision, Customers, CustomerWriteOutcome, MobileOwner } from '../../domain/customers/ports.js';
import { withTransaction, type MysqlPool } from './pool.js';

const DUPLICATE_KEY = 1062;
const CUSTOMER_COLUMNS = 'customer_id, name, mobile_e164, email, timezone, contact_hours';

type Queryable = Pick<PoolConnection, 'query'> | MysqlPool;

function isDuplicateKey(error: unknown): boolean {
  return (error as { errno?: number } | null)?.errno === DUPLICATE_KEY;
}

const channelOrder = (a: Subscription, b: Subscription) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel);

function toProfile(row: RowDataPacket, subscriptions: Subscription[]): CustomerProfile {
  return {
    customerId: Number(row.customer_id),
    name: String(row.name),
    mobile: row.mobile_e164 === null ? null : String(row.mobile_e164),
    email: row.email === null ? null : String(row.email),
    timezone: row.timezone === null ? null : String(row.timezone),
    contactHours: row.contact_hours === null ? null : (JSON.parse(String(row.contact_hours)) as ContactHours[]),
    subscriptions: [...subscriptions].sort(channelOrder),
  };
}

function fieldValues(state: CustomerState): unknown[] {
  return [state.name, state.mobile, state.email, state.timezone, state.contactHours === null ? null : JSON.stringify(state.contactHours)];
}

/**
 * Customers in the ledger. The unique mobile lets ingestion find or create a whole batch with one
 * INSERT IGNORE and one read by mobile, and refuses a second customer with the same number however
 * requests interleave. A customer's row and subscriptions change together in one transaction.
 */
export class MysqlCustomers implements Customers {
  constructor(private readonly pool: MysqlPool) {}

  async findOrCreateByMobiles(owners: readonly MobileOwner[], at: Date): Promise<Map<string, number>> {
    const unique = new Map(owners.map((owner) => [owner.mobile, owner]));
    if (unique.size === 0) return new Map();
    const ids = await this.idsByMobile(this.pool, [...unique.keys()]);
    // Sorted, so concurrent batches lock the unique index in the same order.
    const missing = [...unique.values()].filter((owner) => !ids.has(owner.mobile)).sort((a, b) => (a.mobile < b.mobile ? -1 : 1));
    if (missing.length === 0) return ids;

    // Rows another writer inserts first are ignored here and keep their subscriptions: only the rows
    // carrying this batch's id are new, and only they are subscribed to sms, in the same transaction.
    const batchId = randomBytes(8).readBigUInt64BE().toString();
    const mobiles = missing.map((owner) => owner.mobile);
    const created = await withTransaction(this.pool, async (connection) => {
      await connection.query('INSERT IGNORE INTO customers (name, mobile_e164, insert_batch_id, created_at, updated_at) VALUES ?', [
        missing.map((owner) => [owner.name, owner.mobile, batchId, at, at]),
      ]);
      await connection.query(
        `INSERT INTO customer_subscriptions (customer_id, channel, address)
         SELECT customer_id, 'sms', NULL FROM customers WHERE mobile_e164 IN (?) AND insert_batch_id = ?`,
        [mobiles, batchId],
      );
      return this.idsByMobile(connection, mobiles);
    });
    for (const [mobile, id] of created) ids.set(mobile, id);
    return ids;
  }

  async linkJobs(links: ReadonlyArray<{ customerId: number; jobId: number }>): Promise<void> {
    if (links.length === 0) return;
    await this.pool.query('INSERT IGNORE INTO customer_jobs (customer_id, Job_id) VALUES ?', [links.map((link) => [link.customerId, link.jobId])]);
  }

  async customersForJobs(jobIds: readonly number[]): Promise<Map<number, number>> {
    if (jobIds.length === 0) return new Map();
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT Job_id, customer_id FROM customer_jobs WHERE Job_id IN (?)', [[...new Set(jobIds)]]);
    return new Map(rows.map((row) => [Number(row.Job_id), Number(row.customer_id)]));
  }

  async create(state: CustomerState, at: Date): Promise<CustomerWriteOutcome> {
    try {
      return await withTransaction(this.pool, async (connection) => {
        const [inserted] = await connection.query<ResultSetHeader>(
          'INSERT INTO customers (name, mobile_e164, email, timezone, contact_hours, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [...fieldValues(state), at, at],
        );
        const customerId = Number(inserted.insertId);
        await this.writeSubscriptions(connection, customerId, state.subscriptions);
        return { outcome: 'saved', customer: { customerId, ...state, jobIds: [] } };
      });
    } catch (error) {
      return this.mobileTaken(error, state.mobile);
    }
  }

  async get(customerId: number): Promise<Customer | undefined> {
    return this.read(this.pool, customerId, false);
  }

  /** Concurrent deliveries each read their customer when a message is due: reads made together go as one pair of queries. */
  private readonly getTogether = coalesce(async (requests: ReadonlyArray<readonly number[]>) => {
    const byId = new Map((await this.selectProfiles([...new Set(requests.flat())])).map((profile) => [profile.customerId, profile]));
    return requests.map((ids) => [...new Set(ids)].sort((a, b) => a - b).flatMap((id) => byId.get(id) ?? []));
  }, 100);

  async getMany(customerIds: readonly number[]): Promise<CustomerProfile[]> {
    return customerIds.length === 0 ? [] : this.getTogether(customerIds);
  }

  private async selectProfiles(ids: readonly number[]): Promise<CustomerProfile[]> {
    const [[rows], subscriptions] = await Promise.all([
      this.pool.query<RowDataPacket[]>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE customer_id IN (?) ORDER BY customer_id`, [ids]),
      this.subscriptionsOf(this.pool, ids),
    ]);
    return rows.map((row) => toProfile(row, subscriptions.get(Number(row.customer_id)) ?? []));
  }

  async findByMobile(e164: string): Promise<CustomerProfile | undefined> {
    const [[row]] = await this.pool.query<RowDataPacket[]>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE mobile_e164 = ?`, [e164]);
    if (!row) return undefined;
    const customerId = Number(row.customer_id);
    return toProfile(row, (await this.subscriptionsOf(this.pool, [customerId])).get(customerId) ?? []);
  }

  async change(customerId: number, decide: (current: Customer) => CustomerDecision, at: Date): Promise<CustomerWriteOutcome> {
    let mobile: string | null = null;
    try {
      return await withTransaction(this.pool, async (connection): Promise<CustomerWriteOutcome> => {
        const current = await this.read(connection, customerId, true);
        if (!current) return { outcome: 'not-found' };
        const decision = decide(current);
        if (!decision.ok) return { outcome: 'refused', detail: decision.detail };
        const next = decision.value;
        mobile = next.mobile;
        await connection.query(
          'UPDATE customers SET name = ?, mobile_e164 = ?, email = ?, timezone = ?, contact_hours = ?, updated_at = ? WHERE customer_id = ?',
          [...fieldValues(next), at, customerId],
        );
        await connection.query('DELETE FROM customer_subscriptions WHERE customer_id = ?', [customerId]);
        await this.writeSubscriptions(connection, customerId, next.subscriptions);
        return { outcome: 'saved', customer: { ...next, customerId, subscriptions: [...next.subscriptions].sort(channelOrder), jobIds: current.jobIds } };
      });
    } catch (error) {
      return this.mobileTaken(error, mobile);
    }
  }

  async unsubscribe(customerId: number, channel: Channel): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>('DELETE FROM customer_subscriptions WHERE customer_id = ? AND channel = ?', [customerId, channel]);
    return result.affectedRows > 0;
  }

  /** A duplicate mobile names the customer that has it; any other failure is the caller's. */
  private async mobileTaken(error: unknown, mobile: string | null): Promise<CustomerWriteOutcome> {
    if (!isDuplicateKey(error) || mobile === null) throw error;
    const owner = await this.idsByMobile(this.pool, [mobile]);
    const ownerId = owner.get(mobile);
    if (ownerId === undefined) throw error;
    return { outcome: 'mobile-taken', ownerId };
  }

  private async read(db: Queryable, customerId: number, lock: boolean): Promise<Customer | undefined> {
    const [[row]] = await db.query<RowDataPacket[]>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE customer_id = ?${lock ? ' FOR UPDATE' : ''}`, [customerId]);
    if (!row) return undefined;
    const [subscriptions, [jobs]] = await Promise.all([
      this.subscriptionsOf(db, [customerId]),
      db.query<RowDataPacket[]>('SELECT Job_id FROM customer_jobs WHERE customer_id = ? ORDER BY Job_id', [customerId]),
    ]);
    return { ...toProfile(row, subscriptions.get(customerId) ?? []), jobIds: jobs.map((job) => Number(job.Job_id)) };
  }

  private async idsByMobile(db: Queryable, mobiles: readonly string[]): Promise<Map<string, number>> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT customer_id, mobile_e164 FROM customers WHERE mobile_e164 IN (?)', [mobiles]);
    return new Map(rows.map((row) => [String(row.mobile_e164), Number(row.customer_id)]));
  }

  private async subscriptionsOf(db: Queryable, customerIds: readonly number[]): Promise<Map<number, Subscription[]>> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT customer_id, channel, address FROM customer_subscriptions WHERE customer_id IN (?)', [customerIds]);
    const byCustomer = new Map<number, Subscription[]>();
    for (const row of rows) {
      const id = Number(row.customer_id);
      const list = byCustomer.get(id) ?? [];
      list.push({ channel: String(row.channel) as Channel, address: row.address === null ? null : String(row.address) });
      byCustomer.set(id, list);
    }
    return byCustomer;
  }

  private async writeSubscriptions(connection: PoolConnection, customerId: number, subscriptions: readonly Subscription[]): Promise<void> {
    if (subscriptions.length === 0) return;
    await connection.query('INSERT INTO customer_subscriptions (customer_id, channel, address) VALUES ?', [
      subscriptions.map((subscription) => [customerId, subscription.channel, subscription.address]),
    ]);
  }
}
