export interface Payment {
  paymentId: string;
  jobId: number;
  /** Exactly 3 decimals, as a string: never a binary float. */
  amount: string;
  currency: string;
  paidAt: Date;
}

export interface Payments {
  /** Records a payment once per `paymentId`; a repeat returns 'duplicate' and changes nothing. */
  record(payment: Payment, receivedAt: Date): Promise<'recorded' | 'duplicate'>;
  get(paymentId: string): Promise<Payment | undefined>;
  forJob(jobId: number): Promise<Payment[]>;
  /** Which of these jobs have at least one recorded payment. */
  paidJobs(jobIds: readonly number[]): Promise<Set<number>>;
}

/** A signed provider event Repair Relay could not place on a job, kept for staff to look at. */
export interface PaymentFlag {
  /** A payment flag is settled once its payment is recorded (by another event); a refund flag stays. */
  kind: 'payment' | 'refund';
  provider: string;
  eventId: string;
  eventType: string;
  /** Why it could not be placed, in words staff can act on. */
  reason: string;
  /** `metadata.jobId` exactly as sent (at most 64 characters), or null when it was missing. */
  jobReference: string | null;
  /** The payment the event is about, when it is about one (its ledger id). */
  paymentId: string | null;
  /** The provider's own id of the object (payment intent, checkout session, charge). */
  objectId: string;
  amount: string | null;
  currency: string | null;
}

export interface PaymentFlags {
  /** Keeps the flag once per provider event id; a repeat returns 'duplicate' and changes nothing. */
  flag(flag: PaymentFlag, at: Date): Promise<'flagged' | 'duplicate'>;
  /** Flags still needing a person, oldest first: every refund flag, and payment flags whose payment is still unrecorded. */
  open(): Promise<Array<PaymentFlag & { flaggedAt: Date }>>;
}
