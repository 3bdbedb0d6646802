/**
 * `npm run demo`: inserts a few realistic NEW jobs into the local client database (CLIENT_DB_URL,
 * default mysql://root@127.0.0.1:3306/repair_client) so the running host texts them within one poll.
 */
import { loadConfig } from '../src/config.js';
import { demoPageLink, describeDemoJob, runDemo } from './lib/demoJobs.js';
import { describeError, redactUrl } from '../dev/settings.js';
import { toE164 } from '../src/domain/shared/phone.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { localHost: true });
  if (config.VONAGE_API_KEY && !process.argv.includes('--real-sms')) {
    throw new Error(
      'VONAGE_API_KEY is set, so a host started from this shell sends real texts, and the demo numbers may belong to real people. ' +
        'Unset VONAGE_API_KEY and VONAGE_API_SECRET to use the SMS sandbox, or pass --real-sms if you mean it.',
    );
  }
  const apiUrl = (process.env.RELAY_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '') + '/api';
  const { jobs, createdJobsTable } = await runDemo(config.CLIENT_DB_URL);
  const texted = jobs.filter((job) => job.mobile !== null && toE164(job.mobile).ok);
  const example = texted[0] ?? jobs[0]!;

  console.log(`Inserted ${jobs.length} NEW jobs into Jobs at ${redactUrl(config.CLIENT_DB_URL)}${createdJobsTable ? ' (Jobs table created)' : ''}:`);
  for (const job of jobs) console.log(`  ${describeDemoJob(job)}`);
  console.log(`
Within one poll (POLL_SCHEDULE "${config.POLL_SCHEDULE}") the host ingests them, texts the ${texted.length} customers with a mobile
(the SMS sandbox prints each one) and moves all ${jobs.length} jobs to OPENED. Each courtesy SMS carries a link to
the customer's own page; job ${example.id}'s opens in a browser once it is texted:

  ${demoPageLink(config, process.env, example.id)}

Then try:

  curl -s ${apiUrl}/dev/sms
  curl -s ${apiUrl}/jobs/${example.id}
  curl -s -X PUT -H 'content-type: application/json' -d '{"status":"IN PROGRESS"}' ${apiUrl}/jobs/${example.id}/status
  curl -s -X PUT -H 'content-type: application/json' -d '{"status":"JOB COMPLETED"}' ${apiUrl}/jobs/${example.id}/status
  npm run pay -- ${example.id} 45.50        # signed payment callback: feedback SMS, then CLOSED
`);
}

main().catch((error: unknown) => {
  console.error(`npm run demo failed: ${describeError(error)}`);
  process.exit(1);
});
