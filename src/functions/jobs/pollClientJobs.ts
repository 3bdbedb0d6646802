import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getRelay } from '../../processRelay.js';

export async function pollClientJobsHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const report = await (await getRelay()).pollClientJobs();
  context.log('client jobs polled', JSON.stringify(report));
}

app.timer('pollClientJobs', { schedule: '%POLL_SCHEDULE%', handler: pollClientJobsHandler });
