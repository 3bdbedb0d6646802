import { z } from 'zod';
import type { StatusChange } from '../../domain/jobs/jobApi.js';
import { JOB_STATUSES } from '../../domain/jobs/jobStatus.js';

/** The body of `PUT /api/jobs/{jobId}/status`. */
export const statusChangeSchema: z.ZodType<StatusChange> = z
  .object({
    status: z.enum(JOB_STATUSES),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
