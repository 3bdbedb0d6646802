import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { statusChangeSchema } from './statusChange.js';
import { answer, jobIdFrom, json, readJsonBody } from '../http/http.js';
import { jobProblem, unknownJob } from './jobProblems.js';

export async function changeJobStatusHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const jobId = jobIdFrom(request);
    if (!jobId.ok) return jobId.response;
    const change = await readJsonBody(request, statusChangeSchema);
    if (!change.ok) return change.response;

    const result = await (await getRelay()).changeJobStatus(jobId.value, change.value, context.invocationId);
    if (result.outcome === 'unknown-job') return jobProblem('unknown-job', unknownJob(jobId.value));
    if (result.outcome === 'refused') return jobProblem('refused', result.detail);
    return json(200, { outcome: result.outcome, job: result.job });
  });
}

app.http('changeJobStatus', { route: 'jobs/{jobId}/status', methods: ['PUT'], authLevel: 'function', handler: changeJobStatusHandler });
