import type { Channel, Customer, CustomerProfile, CustomerState } from './customer.js';
import type { Result, Value } from '../shared/result.js';

/** A new customer ingestion may create: the job's E.164 mobile and the name it gives. */
export interface MobileOwner {
  mobile: string;
  name: string;
}

/** What `change` does with the stored customer: write this state, or refuse with a 422 detail. */
export type CustomerDecision = Result<Value<CustomerState>>;

export type CustomerWriteOutcome =
  | { outcome: 'saved'; customer: Customer }
  | { outcome: 'mobile-taken'; ownerId: number }
  | { outcome: 'refused'; detail: string }
  | { outcome: 'not-found' };

/** Customers, their subscriptions and their jobs (ledger tables customers, customer_subscriptions, customer_jobs). */
export interface Customers {
  /**
   * The customer id of every mobile, creating the customers missing (named as given, subscribed to
   * sms) in one batch. Idempotent: the same mobiles give the same ids, and a customer that already
   * exists keeps its name and subscriptions.
   */
  findOrCreateByMobiles(owners: readonly MobileOwner[], at: Date): Promise<Map<string, number>>;
  /** Links jobs to customers; a job already linked keeps its customer. */
  linkJobs(links: ReadonlyArray<{ customerId: number; jobId: number }>): Promise<void>;
  /** The customer of each job that has one. */
  customersForJobs(jobIds: readonly number[]): Promise<Map<number, number>>;
  /** Creates a customer with these subscriptions in one transaction; a mobile another customer has is refused. */
  create(state: CustomerState, at: Date): Promise<CustomerWriteOutcome>;
  get(customerId: number): Promise<Customer | undefined>;
  /** The customers with these ids that exist, with their subscriptions, in id order. */
  getMany(customerIds: readonly number[]): Promise<CustomerProfile[]>;
  findByMobile(e164: string): Promise<CustomerProfile | undefined>;
  /**
   * Reads the customer, locked, and writes what `decide` returns, in one transaction: a concurrent
   * change waits, so `decide` always sees the state it replaces.
   */
  change(customerId: number, decide: (current: Customer) => CustomerDecision, at: Date): Promise<CustomerWriteOutcome>;
  /** Removes one subscription; false when the customer had none on that channel. */
  unsubscribe(customerId: number, channel: Channel): Promise<boolean>;
}
