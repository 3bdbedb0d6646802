import { pollClientJobs, type PollDeps, type PollSettings } from '../../src/domain/jobs/pollClientJobs.js';
import { sendSms, type SendSmsDeps, type SendSmsResult } from '../../src/domain/notifications/sendSms.js';
import { batchedSmsCompleter } from '../../src/domain/notifications/smsCompletion.js';
import type { ClientJob } from '../../src/domain/jobs/job.js';
import {
  FakeCheckpoints,
  FakeClientJobs,
  FakeClock,
  FakeCustomers,
  FakeJobDocuments,
  FakeJobTracking,
  FakeJobTransactions,
  FakePacer,
  FakePayments,
  FakeSmsGateway,
  FakeSmsLog,
  FakeSmsQueue,
  MemoryLogger,
  testPhoneKeys,
} from './fakes.js';

export const TEST_POLL_SETTINGS: PollSettings = {
  batchSize: 100,
  lookbackIds: 50,
  sweepIds: 100,
  mirrorRows: 1000,
  requeueAfterMs: 10 * 60_000,
  staleSendingMs: 5 * 60_000,
  maxRunMs: 60_000,
};

/** Every port faked in memory, wired the way the composition root wires the real ones. */
export function createWorld(jobs: ClientJob[] = [], settings: Partial<PollSettings> = {}) {
  const clock = new FakeClock();
  const ports = {
    clock,
    clientJobs: new FakeClientJobs(jobs),
    documents: new FakeJobDocuments(),
    transactions: new FakeJobTransactions(),
    smsLog: new FakeSmsLog(clock),
    queue: new FakeSmsQueue(),
    gateway: new FakeSmsGateway(),
    pacer: new FakePacer(),
    checkpoints: new FakeCheckpoints(),
    tracking: new FakeJobTracking(),
    payments: new FakePayments(),
    customers: new FakeCustomers(),
    phoneKeys: testPhoneKeys,
    logger: new MemoryLogger(),
  };
  const { queue } = ports;
  const pollDeps: PollDeps = { ...ports, settings: { ...TEST_POLL_SETTINGS, ...settings } };
  /** Everything the SMS, payment, closure and job API use cases take. */
  const appDeps = { ...ports, settings: { from: 'RepairRelay', maxAttempts: 4, staleSendingMs: 5 * 60_000 } };
  const sendDeps: SendSmsDeps = { ...appDeps, completeJob: batchedSmsCompleter(appDeps) };
  return {
    ...ports,
    appDeps,
    pollDeps,
    sendDeps,
    poll: (deps: Partial<PollDeps> = {}) => pollClientJobs({ ...pollDeps, ...deps }),
    /** Delivers every due queue message once, as the queue trigger would; a failed one stays on the queue. */
    async deliverDue(overrides: Partial<typeof appDeps> = {}): Promise<SendSmsResult[]> {
      const deps = { ...appDeps, ...overrides };
      const completeJob = batchedSmsCompleter(deps);
      const results: SendSmsResult[] = [];
      for (const message of queue.drain(clock.now())) {
        try {
          results.push(await sendSms({ ...deps, completeJob }, message.body));
        } catch (error) {
          queue.messages.push(message);
          throw error;
        }
      }
      return results;
    },
  };
}

export type World = ReturnType<typeof createWorld>;
