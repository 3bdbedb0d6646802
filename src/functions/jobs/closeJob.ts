import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, jobIdFrom, json } from '../http/http.js';
import { jobProblem, unknownJob } from './jobProblems.js';

export async function closeJobHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const jobId = jobIdFrom(request);
    if (!jobId.ok) return jobId.response;
    const result = await (await getRelay()).closeJob(jobId.value);
    switch (result.outcome) {
      case 'unknown-job':
        return jobProblem('unknown-job', unknownJob(jobId.value));
      case 'not-completed':
        return jobProblem('not-completed', `job ${jobId.value} is ${result.status ?? 'without a status'}; only a JOB COMPLETED job can be closed`);
      case 'already-closed':
        return json(200, { jobId: jobId.value, closure: result.outcome });
      default:
        return json(202, { jobId: jobId.value, closure: result.outcome });
    }
  });
}

app.http('closeJob', { route: 'jobs/{jobId}/close', methods: ['POST'], authLevel: 'function', handler: closeJobHandler });
