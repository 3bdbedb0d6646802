import { statusRank, type JobStatus } from './jobStatus.js';

/** One row of the client's `Jobs` table; every column but the id is a nullable VARCHAR there. */
export interface ClientJob {
  jobId: number;
  jobType: string | null;
  status: string | null;
  firstName: string | null;
  lastName: string | null;
  postcode: string | null;
  mobile: string | null;
  productId: string | null;
  productType: string | null;
}

/** What the job document says about one notification (its log entry in short). */
export interface NotificationSummary {
  messageKey: string;
  state: string;
  at: string;
  note: string;
  providerMessageId?: string;
}

/**
 * The job as our system keeps it in Cosmos DB: the seed 000 shape (snake_case, `customer` and
 * `product` arrays) plus what we track. `id` is the client's Job_id and also the partition key,
 * so every access is a point read or write.
 */
export interface JobDocument {
  id: string;
  job_id: string;
  job_date: string;
  job_type: string | null;
  job_status: JobStatus;
  customer: Array<{
    client_firstname: string | null;
    client_lastname: string | null;
    client_postcode: string | null;
    client_mobile: string | null;
  }>;
  product: Array<{ product_id: string | null; product_type: string | null }>;
  /**
   * Our customer (ledger `customers`), found or created by the job's mobile at ingestion; null when
   * the job has no usable mobile. Absent on documents ingested before customers existed, whose
   * customer, if any, the ledger's `customer_jobs` does not know either.
   */
  customer_id?: number | null;
  source: { system: 'client-jobs'; ingested_at: string };
  /** The courtesy and feedback SMS, where seed 000's readers find them. */
  sms: Partial<Record<'courtesy' | 'feedback', NotificationSummary>>;
  /** Every other notification (other channels, other events), by notification id. */
  notifications?: Record<string, NotificationSummary>;
  payments?: Array<{ payment_id: string; amount: string; currency: string; paid_at: string }>;
  /**
   * Refunds the payment provider reported, one entry per refunded charge with the total refunded
   * on it so far; a refund never changes the job's status.
   */
  refunds?: Array<{ charge_id: string; payment_id: string | null; amount_refunded: string; currency: string; fully_refunded: boolean; refunded_at: string }>;
  /** Client changes we refused to mirror (backwards or unknown statuses), for a person to look at. */
  flags?: Array<{ status: string | null; from: string; at: string }>;
  feedback?: { score: number | null; text: string; at: string };
  updated_at: string;
}

export function jobDocumentId(jobId: number): string {
  return String(jobId);
}

/** The seed's `job_date` is DDMMYYYY; the client table has no date, so it is the day we ingest the job. */
export function seedJobDate(at: Date): string {
  const day = String(at.getUTCDate()).padStart(2, '0');
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  return `${day}${month}${at.getUTCFullYear()}`;
}

export function toJobDocument(job: ClientJob, ingestedAt: Date, customerId: number | null): JobDocument {
  const at = ingestedAt.toISOString();
  return {
    id: jobDocumentId(job.jobId),
    job_id: String(job.jobId),
    job_date: seedJobDate(ingestedAt),
    job_type: job.jobType,
    job_status: 'NEW',
    customer: [
      {
        client_firstname: job.firstName,
        client_lastname: job.lastName,
        client_postcode: job.postcode,
        client_mobile: job.mobile,
      },
    ],
    product: [{ product_id: job.productId, product_type: job.productType }],
    customer_id: customerId,
    source: { system: 'client-jobs', ingested_at: at },
    sms: {},
    updated_at: at,
  };
}

/** Moves the document's status forward only; an older or equal target leaves the status alone. */
export function withStatusAtLeast(doc: JobDocument, status: JobStatus, at: Date): JobDocument {
  if (statusRank(doc.job_status) >= statusRank(status)) return doc;
  return { ...doc, job_status: status, updated_at: at.toISOString() };
}

/** The job_trans event key of a job reaching a status: one row per status, whoever moved it. */
export function statusEventKey(jobId: number, status: JobStatus): string {
  return `job-${jobId}-status-${status.replace(' ', '_')}`;
}
