import { toE164 } from '../shared/phone.js';
import { customerNameFromJob } from './customer.js';
import type { Customers } from './ports.js';
import type { Clock } from '../shared/ports.js';

/** The job columns a customer is found or created by. */
export interface JobOfCustomer {
  jobId: number;
  firstName: string | null;
  lastName: string | null;
  mobile: string | null;
}

export interface JobCustomersDeps {
  customers: Pick<Customers, 'findOrCreateByMobiles' | 'linkJobs'>;
  clock: Clock;
}

/**
 * The customer of each job of an ingestion batch, found or created by the job's E.164 mobile in one
 * batch (never a round trip per job) and linked to the job. Jobs without a usable mobile have no
 * customer. Running it again for the same jobs (a crash before the batch finished) gives the same
 * ids and links nothing twice.
 */
export async function customersForNewJobs(deps: JobCustomersDeps, jobs: readonly JobOfCustomer[]): Promise<Map<number, number>> {
  const mobileOf = new Map<number, string>();
  const owners = new Map<string, { mobile: string; name: string }>();
  for (const job of jobs) {
    const phone = toE164(job.mobile);
    if (!phone.ok) continue;
    mobileOf.set(job.jobId, phone.e164);
    // Several jobs of one batch with the same mobile: the first job names the customer.
    if (!owners.has(phone.e164)) owners.set(phone.e164, { mobile: phone.e164, name: customerNameFromJob(job) });
  }
  if (owners.size === 0) return new Map();
  const ids = await deps.customers.findOrCreateByMobiles([...owners.values()], deps.clock.now());
  const customerOf = new Map<number, number>();
  for (const [jobId, mobile] of mobileOf) {
    const customerId = ids.get(mobile);
    if (customerId === undefined) throw new Error(`no customer id came back for the mobile of job ${jobId}`);
    customerOf.set(jobId, customerId);
  }
  await deps.customers.linkJobs([...customerOf].map(([jobId, customerId]) => ({ customerId, jobId })));
  return customerOf;
}
