import type { JobDocument } from '../jobs/job.js';
import type { JobDocuments, JobTransaction, JobTransactions } from '../jobs/ports.js';
import type { Clock } from '../shared/ports.js';
import type { TrackingLinkLedger, TrackingTokens } from './trackingLinks.js';

const DAY_MS = 86_400_000;

/** How long a page's form stays good: a customer may leave the page open for a day before they send it. */
export const FORM_MAX_AGE_MS = DAY_MS;

export interface JobPagesPorts {
  tokens: TrackingTokens;
  links: Pick<TrackingLinkLedger, 'jobOf'>;
  documents: Pick<JobDocuments, 'get'>;
  transactions: Pick<JobTransactions, 'history'>;
  clock: Clock;
}

/** A job page the token opened: the job as the document and job_trans know it, and the token's hash (never the token). */
export interface JobPage {
  jobId: number;
  tokenHash: string;
  doc: JobDocument;
  /** job_trans rows, oldest first. */
  history: JobTransaction[];
  closedAt: Date | null;
}

/** When the job first reached `status` (job_trans), or null. */
export function reachedAt(history: readonly JobTransaction[], status: string): Date | null {
  return history.find((row) => row.status === status)?.at ?? null;
}

/** The pages the links open, and the form tokens each page issues: what every use case of the page starts from. */
export class JobPages {
  constructor(
    private readonly ports: JobPagesPorts,
    /** TRACKING_LINK_DAYS_AFTER_CLOSE. */
    private readonly daysAfterClose: number,
  ) {}

  /**
   * The page of a token: the job its hash was remembered for, while the job is open or closed for
   * fewer than `daysAfterClose` days. Anything else (malformed, unknown, expired, a job without a
   * document) is the same undefined, so a caller learns nothing from which it was.
   */
  async open(token: string): Promise<JobPage | undefined> {
    const { tokens, links, documents, transactions, clock } = this.ports;
    const tokenHash = tokens.hashOf(token);
    const jobId = tokenHash === undefined ? undefined : await links.jobOf(tokenHash);
    if (tokenHash === undefined || jobId === undefined) return undefined;
    const [doc, history] = await Promise.all([documents.get(jobId), transactions.history(jobId)]);
    if (!doc) return undefined;
    const closedAt = doc.job_status === 'CLOSED' ? (reachedAt(history, 'CLOSED') ?? new Date(doc.updated_at)) : null;
    if (closedAt && clock.now().getTime() >= closedAt.getTime() + this.daysAfterClose * DAY_MS) return undefined;
    return { jobId, tokenHash, doc, history, closedAt };
  }

  /** The request key of a form sent from the page: its form token's nonce, or undefined when the token is not this page's or too old. */
  checkedForm(page: JobPage, formToken: string): string | undefined {
    return this.ports.tokens.checkFormToken(page.tokenHash, formToken, this.ports.clock.now(), FORM_MAX_AGE_MS);
  }

  /** A fresh form token for the page's forms. */
  formToken(page: JobPage): string {
    return this.ports.tokens.formToken(page.tokenHash, this.ports.clock.now());
  }
}
