import { startLocalHost, type LocalHost } from '../../dev/host.js';
import { buildPaymentRequest, postPayment } from '../../scripts/lib/paymentRequest.js';
import { clientStatus, createThrowawayDatabase, insertClientJobs, type JobRowInput, type ThrowawayDatabase } from '../kit/mysql.js';
import { eventually } from '../kit/eventually.js';
import { freePort } from './cli.js';
import { createClientDatabase } from './clientDatabase.js';
import { ensureConsoleBuilt } from './consoleBuild.js';

/**
 * The local host as `npm start` runs it (real function files, embedded Cosmos, MariaDB throwaway
 * databases, the SMS sandbox), with the console built and its local owner on, plus the moves a
 * story needs: open a job in the client system, walk it, pay it, have its customer text in.
 */
export interface ConsoleStack {
  host: LocalHost;
  client: ThrowawayDatabase;
  ledger: ThrowawayDatabase;
  /** http://127.0.0.1:<port>/api/console/ */
  consoleUrl: string;
  /** Jobs in the client table as NEW; resolves once each is OPENED (its courtesy message settled). */
  openJobs(jobs: JobRowInput[]): Promise<void>;
  moveJob(jobId: number, status: 'IN PROGRESS' | 'JOB COMPLETED'): Promise<void>;
  /** A signed payment; resolves once the job is CLOSED in the client table. */
  pay(jobId: number, amount: string): Promise<void>;
  /** An SMS from `msisdn` (digits, no +) to the shop, through the inbound webhook (unsigned: a local host). */
  customerTexts(msisdn: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

function expectStatus(jobId: number, actual: string | null, wanted: string): void {
  if (actual !== wanted) throw new Error(`job ${jobId} is ${actual}, not yet ${wanted}`);
}

export async function startConsoleStack(options: { env?: Record<string, string>; log?: (line: string) => void } = {}): Promise<ConsoleStack> {
  const [client, ledger, port] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger'), freePort(), ensureConsoleBuilt()]);
  let host: LocalHost;
  try {
    host = await startLocalHost({
      // PORT too, so the page links in job messages (PUBLIC_BASE_URL's local default) lead to this host.
      env: { CLIENT_DB_URL: client.url, LEDGER_DB_URL: ledger.url, POLL_SCHEDULE: '* * * * * *', CONSOLE_LOCAL_OWNER: 'true', PORT: String(port), ...options.env },
      functionFiles: 'src/functions/index.ts',
      importModule: (file) => import(file),
      port,
      log: options.log ?? (() => {}),
    });
  } catch (error) {
    await Promise.all([client.drop(), ledger.drop()]);
    throw error;
  }
  const api = host.apiUrl;
  const ok = async (response: Promise<Response>, what: string) => {
    const answer = await response;
    if (!answer.ok) throw new Error(`${what}: ${answer.status} ${await answer.text()}`);
  };
  return {
    host,
    client,
    ledger,
    consoleUrl: `${api}/console/`,
    async openJobs(jobs) {
      await insertClientJobs(client.pool, jobs);
      for (const job of jobs) await eventually(async () => expectStatus(job.id, await clientStatus(client.pool, job.id), 'OPENED'));
    },
    async moveJob(jobId, status) {
      await ok(fetch(`${api}/jobs/${jobId}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) }), `job ${jobId} to ${status}`);
    },
    async pay(jobId, amount) {
      const payment = await postPayment(api, buildPaymentRequest({ jobId, amount, secret: host.settings.PAYMENT_WEBHOOK_SECRET! }));
      if (payment.status !== 201) throw new Error(`payment for job ${jobId}: ${payment.status} ${payment.text}`);
      await eventually(async () => expectStatus(jobId, await clientStatus(client.pool, jobId), 'CLOSED'));
    },
    async customerTexts(msisdn, text) {
      const body = new URLSearchParams({ msisdn, to: 'RepairRelay', messageId: `in-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`, text, type: 'text' });
      await ok(fetch(`${api}/webhooks/vonage/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }), 'inbound SMS');
    },
    async stop() {
      await host.stop();
      await Promise.all([client.drop(), ledger.drop()]);
    },
  };
}
