import { problemsByOutcome } from '../http/http.js';

/** How the jobs area's refusals answer over HTTP. */
export const jobProblem = problemsByOutcome({ 'unknown-job': 404, refused: 409, 'not-completed': 409 });

/** The 404 detail for a job id Repair Relay does not track. */
export const unknownJob = (jobId: number) => `job ${jobId} is not known to Repair Relay`;
