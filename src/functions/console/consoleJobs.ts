import { app } from '@azure/functions';
import { z } from 'zod';
import type { ListedJob } from '../../domain/console/ports.js';
import { getRelay } from '../../processRelay.js';
import { jobIdFrom, json, problem } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { unknownJob } from '../jobs/jobProblems.js';
import { pageBody, pageParams, readQuery } from './consoleSchemas.js';

const jobListQuery = z.object({ status: z.string().min(1).max(32).optional(), q: z.string().max(100).optional(), ...pageParams }).strict();

function jobBody(job: ListedJob): Record<string, unknown> {
  return { jobId: job.jobId, status: job.status, product: job.product, customer: job.customer, createdAt: job.createdAt, statusSince: job.statusSince, openNotifications: job.openNotifications };
}

/** GET /api/staff/jobs?status=&q=&limit=&cursor=: the jobs, newest first. */
export const listConsoleJobsHandler = staffOnly(async (request) => {
  const query = readQuery(request, jobListQuery);
  if (!query.ok) return query.response;
  const listed = await (await getRelay()).listConsoleJobs(query.value);
  return listed.ok ? json(200, pageBody('jobs', listed.value, jobBody)) : problem(400, listed.detail);
});

/** GET /api/staff/jobs/{jobId}: the job, its timeline and why a waiting message has not gone yet. */
export const consoleJobHandler = staffOnly(async (request) => {
  const jobId = jobIdFrom(request);
  if (!jobId.ok) return jobId.response;
  const view = await (await getRelay()).consoleJobView(jobId.value);
  if (!view) return problem(404, unknownJob(jobId.value));
  const { customer } = view.job;
  const shownCustomer = customer && { customerId: customer.customerId, name: customer.name, mobileLast4: customer.mobileLast4, timeZone: customer.timezone };
  return json(200, { job: { ...jobBody(view.job), customer: shownCustomer }, timeline: view.timeline, pending: view.pending });
});

app.http('listConsoleJobs', { route: 'staff/jobs', methods: ['GET'], authLevel: 'anonymous', handler: listConsoleJobsHandler });
app.http('consoleJob', { route: 'staff/jobs/{jobId}', methods: ['GET'], authLevel: 'anonymous', handler: consoleJobHandler });
