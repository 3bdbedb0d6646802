import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, jobIdFrom, json } from '../http/http.js';
import { jobProblem, unknownJob } from './jobProblems.js';

export async function getJobHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const jobId = jobIdFrom(request);
    if (!jobId.ok) return jobId.response;
    const found = await (await getRelay()).getJob(jobId.value, context.invocationId);
    return found ? json(200, found) : jobProblem('unknown-job', unknownJob(jobId.value));
  });
}

app.http('getJob', { route: 'jobs/{jobId}', methods: ['GET'], authLevel: 'function', handler: getJobHandler });
