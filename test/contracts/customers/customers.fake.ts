import type { Channel } from '../../../src/domain/channels/ports.js';
import type { Customer, CustomerProfile, CustomerState } from '../../../src/domain/customers/customer.js';
import type { CustomerDecision, Customers, CustomerWriteOutcome, MobileOwner } from '../../../src/domain/customers/ports.js';

/** Like the ledger's customers tables: a unique mobile, subscriptions and job links. */
export class FakeCustomers implements Customers {
  readonly rows = new Map<number, CustomerProfile>();
  readonly jobs = new Map<number, number>();
  private nextId = 1;

  private byMobile(mobile: string): CustomerProfile | undefined {
    return [...this.rows.values()].find((row) => row.mobile === mobile);
  }

  private copy(row: CustomerProfile): Customer {
    const jobIds = [...this.jobs].filter(([, customerId]) => customerId === row.customerId).map(([jobId]) => jobId).sort((a, b) => a - b);
    return { ...structuredClone(row), jobIds };
  }

  async findOrCreateByMobiles(owners: readonly MobileOwner[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const owner of owners) {
      const row = this.byMobile(owner.mobile) ?? this.insert({ name: owner.name, mobile: owner.mobile, email: null, timezone: null, contactHours: null, subscriptions: [{ channel: 'sms', address: null }] });
      ids.set(owner.mobile, row.customerId);
    }
    return ids;
  }

  private insert(state: CustomerState): CustomerProfile {
    const row = { customerId: this.nextId++, ...structuredClone(state) };
    this.rows.set(row.customerId, row);
    return row;
  }

  async linkJobs(links: ReadonlyArray<{ customerId: number; jobId: number }>): Promise<void> {
    for (const link of links) if (!this.jobs.has(link.jobId)) this.jobs.set(link.jobId, link.customerId);
  }

  async customersForJobs(jobIds: readonly number[]): Promise<Map<number, number>> {
    return new Map(jobIds.flatMap((jobId) => (this.jobs.has(jobId) ? [[jobId, this.jobs.get(jobId)!] as const] : [])));
  }

  async create(state: CustomerState): Promise<CustomerWriteOutcome> {
    const owner = state.mobile === null ? undefined : this.byMobile(state.mobile);
    if (owner) return { outcome: 'mobile-taken', ownerId: owner.customerId };
    return { outcome: 'saved', customer: this.copy(this.insert(state)) };
  }

  async get(customerId: number): Promise<Customer | undefined> {
    const row = this.rows.get(customerId);
    return row && this.copy(row);
  }

  async getMany(customerIds: readonly number[]): Promise<CustomerProfile[]> {
    return [...new Set(customerIds)].sort((a, b) => a - b).flatMap((id) => (this.rows.has(id) ? [structuredClone(this.rows.get(id)!)] : []));
  }

  async findByMobile(e164: string): Promise<CustomerProfile | undefined> {
    const row = this.byMobile(e164);
    return row && structuredClone(row);
  }

  async change(customerId: number, decide: (current: Customer) => CustomerDecision): Promise<CustomerWriteOutcome> {
    const row = this.rows.get(customerId);
    if (!row) return { outcome: 'not-found' };
    const decision = decide(this.copy(row));
    if (!decision.ok) return { outcome: 'refused', detail: decision.detail };
    const owner = decision.value.mobile === null ? undefined : this.byMobile(decision.value.mobile);
    if (owner && owner.customerId !== customerId) return { outcome: 'mobile-taken', ownerId: owner.customerId };
    this.rows.set(customerId, { customerId, ...structuredClone(decision.value) });
    return { outcome: 'saved', customer: this.copy(this.rows.get(customerId)!) };
  }

  async unsubscribe(customerId: number, channel: Channel): Promise<boolean> {
    const row = this.rows.get(customerId);
    const before = row?.subscriptions.length ?? 0;
    if (row) row.subscriptions = row.subscriptions.filter((subscription) => subscription.channel !== channel);
    return (row?.subscriptions.length ?? 0) < before;
  }
}
