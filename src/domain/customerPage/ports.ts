/** One change a customer made to how and when we contact them, as the ledger's `customer_preference_changes` keeps it. */
export interface PreferenceChange {
  /** The form's nonce: a form sent twice is recorded once. */
  requestKey: string;
  customerId: number;
  jobId: number;
  /** Who made it, and where: "customer, via page". */
  source: string;
  /** What changed, in words without an address or number. */
  summary: string;
  at: Date;
}

export interface PreferenceChanges {
  /** Records the change unless one with its request key is recorded. */
  record(change: PreferenceChange): Promise<void>;
}

/** The source every change from the page is recorded with. */
export const PAGE_SOURCE = 'customer, via page';
