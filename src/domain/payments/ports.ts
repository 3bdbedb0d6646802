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
