import { pollDepsOf, wireJobsArea } from '../../src/domain/jobs/jobServices.js';
import { pollClientJobs, type PollSettings } from '../../src/domain/jobs/pollClientJobs.js';
import { ChannelSender } from '../../src/domain/notifications/channelSender.js';
import { sendNotification, type SendNotificationDeps, type SendNotificationResult } from '../../src/domain/notifications/sendNotification.js';
import { SendWindow } from '../../src/domain/notifications/sendWindow.js';
import { batchedSettlement } from '../../src/domain/notifications/settlement.js';
import type { ClientJob } from '../../src/domain/jobs/job.js';
import { parseBusinessCalendar, type BusinessCalendar } from '../../src/domain/windows/businessCalendar.js';
import { FakeCheckpoints } from '../contracts/jobs/pollCheckpoints.fake.js';
import { FakeClientJobs } from '../contracts/jobs/clientJobs.fake.js';
import { FakeClock } from '../kit/clock.js';
import { FakeBroadcasts } from '../contracts/broadcasts/broadcasts.fake.js';
import { FakeInbox } from '../contracts/inbox/inbox.fake.js';
import { FakeCustomers } from '../contracts/customers/customers.fake.js';
import { FakeGatewayRegistry } from '../contracts/channels/gatewayRegistry.fake.js';
import { FakeMessageStats } from '../contracts/stats/messageStats.fake.js';
import { FakeNotificationGateway, fakeConfiguredGateways, FakeSmsGateway } from '../contracts/channels/notificationGateway.fake.js';
import { FakeJobDocuments } from '../contracts/jobs/jobDocuments.fake.js';
import { FakeJobTracking } from '../contracts/jobs/jobTracking.fake.js';
import { FakeJobTransactions } from '../contracts/jobs/jobTransactions.fake.js';
import { FakePacer } from '../contracts/notifications/sendPacer.fake.js';
import { FakePayments } from '../contracts/payments/payments.fake.js';
import { FakeNotificationLog } from '../contracts/notifications/notificationLog.fake.js';
import { FakeNotificationQueue } from '../contracts/notifications/notificationQueue.fake.js';
import { MemoryLogger } from '../kit/logger.js';
import { testPhoneKeys } from '../kit/phoneKeys.js';
import { testTrackingLinks } from '../kit/trackingLinks.js';
import { FakeTrackingLinkLedger } from '../contracts/customerPage/trackingLinks.fake.js';

export const TEST_POLL_SETTINGS: PollSettings = {
  batchSize: 100,
  lookbackIds: 50,
  sweepIds: 100,
  mirrorRows: 1000,
  requeueAfterMs: 10 * 60_000,
  staleSendingMs: 5 * 60_000,
  maxRunMs: 60_000,
};

const ALWAYS_OPEN = 'Mon-Sun 00:00-24:00';

/** The business calendar of these hours in Europe/London (tests of contact windows set their own). */
export function calendarOf(hours: string, closedDates = ''): BusinessCalendar {
  const calendar = parseBusinessCalendar({ BUSINESS_TIMEZONE: 'Europe/London', BUSINESS_HOURS: hours, BUSINESS_CLOSED_DATES: closedDates });
  if (!calendar.ok) throw new Error(calendar.detail);
  return calendar.value;
}

/** Every port faked in memory, wired the way the composition root wires the real ones. */
export function createWorld(jobs: ClientJob[] = [], settings: Partial<PollSettings> = {}) {
  const clock = new FakeClock();
  const ports = {
    clock,
    clientJobs: new FakeClientJobs(jobs),
    documents: new FakeJobDocuments(),
    transactions: new FakeJobTransactions(),
    notificationLog: new FakeNotificationLog(),
    queue: new FakeNotificationQueue(),
    gateway: new FakeSmsGateway(),
    stats: new FakeMessageStats(),
    pacer: new FakePacer(),
    checkpoints: new FakeCheckpoints(),
    tracking: new FakeJobTracking(),
    payments: new FakePayments(),
    customers: new FakeCustomers(),
    broadcasts: new FakeBroadcasts(),
    inbox: new FakeInbox(),
    phoneKeys: testPhoneKeys,
    logger: new MemoryLogger(),
    trackingLinkLedger: new FakeTrackingLinkLedger(),
  };
  const { queue } = ports;
  // SMS through the Vonage SMS API only (seed 000; tests add the Messages API as a second route to
  // fail over to), WhatsApp through the Messages API, email through SMTP.
  const messagesGateway = new FakeNotificationGateway('vonage-messages');
  const smtpGateway = new FakeNotificationGateway('smtp');
  const registry = new FakeGatewayRegistry();
  registry.routes.push(
    { channel: 'sms', gateway: 'vonage-sms', priority: 1, enabled: true },
    { channel: 'whatsapp', gateway: 'vonage-messages', priority: 1, enabled: true },
    { channel: 'email', gateway: 'smtp', priority: 1, enabled: true },
  );
  const gateways = fakeConfiguredGateways(ports.gateway, messagesGateway, smtpGateway);
  const pollSettings: PollSettings = { ...TEST_POLL_SETTINGS, ...settings };
  const sendSettings = { maxAttempts: 4, staleSendingMs: 5 * 60_000 };
  // The customer page's links every job message carries, built once as the composition root builds them.
  const trackingLinks = testTrackingLinks(ports.trackingLinkLedger, clock);
  const fixed = { ...ports, trackingLinks, registry, gateways, calendar: calendarOf(ALWAYS_OPEN) };
  type Ports = typeof fixed;
  /** The ports tests see and may change (appDeps, once built). */
  const live: { ports?: Ports } = {};

  /**
   * Every collaborator wired from these ports as the modules wire the real ones (wireJobsArea, the
   * send path's channels and window), with `overrides` in place of the world's own ports: a test
   * that crashes one port gets every collaborator over it. Ports are read from appDeps once it
   * exists, so a test that sets `world.appDeps.calendar` sends in that calendar's hours.
   */
  function wire(overrides: Partial<Ports> = {}) {
    const p = { ...(live.ports ?? fixed), ...overrides, gateways: overrides.gateway ? fakeConfiguredGateways(overrides.gateway, messagesGateway, smtpGateway) : (overrides.gateways ?? gateways) };
    const area = wireJobsArea(p, pollSettings);
    const { outbox, announcer, repair } = area.notifier;
    return {
      ...p,
      ...area,
      outbox,
      announcer,
      repair,
      onReceipt: area.progress,
      channels: new ChannelSender({ ...p, window: new SendWindow(p) }),
      settings: sendSettings,
    };
  }
  /** The send path's deps: one batched listener per delivery run, as one per instance in the module. */
  const sendDepsOf = (deps: ReturnType<typeof wire>): SendNotificationDeps & ReturnType<typeof wire> => ({ ...deps, onSettled: batchedSettlement(deps.onSettled) });
  const pollDepsWith = (overrides: Partial<Ports> = {}) => {
    const deps = wire(overrides);
    return { ...deps, ...pollDepsOf(deps, deps, pollSettings) };
  };
  /** Everything the SMS, payment, closure and job API use cases take. */
  const appDeps = wire();
  live.ports = appDeps;
  const sendDeps = sendDepsOf(appDeps);
  const pollDeps = pollDepsWith();
  return {
    ...ports,
    registry,
    messagesGateway,
    smtpGateway,
    appDeps,
    pollDeps,
    sendDeps,
    /** appDeps over other ports (a crashing one, another calendar). */
    with: wire,
    sendWith: (overrides: Partial<Ports> = {}) => sendDepsOf(wire(overrides)),
    poll: (overrides: Partial<Ports> = {}) => pollClientJobs(pollDepsWith(overrides)),
    /** Delivers every due queue message once, as the queue trigger would; a failed one stays on the queue. */
    async deliverDue(overrides: Partial<Ports> = {}): Promise<SendNotificationResult[]> {
      const deps = sendDepsOf(wire(overrides));
      const results: SendNotificationResult[] = [];
      for (const message of queue.drain(clock.now())) {
        try {
          results.push(await sendNotification(deps, message.body));
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
