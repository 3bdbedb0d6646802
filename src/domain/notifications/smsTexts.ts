import type { ClientJob } from '../jobs/job.js';

function greeting(job: Pick<ClientJob, 'firstName'>): string {
  const name = job.firstName?.trim();
  return name ? `Hi ${name}` : 'Hello';
}

function itemName(job: Pick<ClientJob, 'productType'>): string {
  const product = job.productType?.trim();
  return product ? `your ${product}` : 'your item';
}

export function courtesyText(job: ClientJob): string {
  const purpose = job.jobType?.trim() ? ` for ${job.jobType.trim()}` : '';
  return `${greeting(job)}, we have received ${itemName(job)}${purpose} (job ${job.jobId}). We will text you when it is done.`;
}

export function feedbackText(job: ClientJob): string {
  const product = job.productType?.trim() ? `${job.productType.trim()} repair` : 'repair';
  return `${greeting(job)}, your ${product} (job ${job.jobId}) is complete. How did we do? Reply with a score from 1 (poor) to 5 (excellent).`;
}
