import { expect, it } from 'vitest';
import { MysqlNotificationLog } from '../../../src/adapters/mysql/notificationLog.js';
import { createMysqlPool } from '../../../src/adapters/mysql/pool.js';
import { notificationOutcome } from '../../../src/domain/notifications/deliveryLog.js';
import { DELIVERY_STATUS_WORDS, deliveryOutcomeOf, deliveryStatusWord, type DeliveryStatusWord } from '../../../src/domain/notifications/deliveryOutcome.js';
import {
  FINAL_NOTIFICATION_STATES,
  NOTIFICATION_OUTCOMES,
  type NotificationEntry,
  type NotificationLog,
  type NotificationRegistration,
  type NotificationState,
} from '../../../src/domain/notifications/ports.js';
import { FakeClock } from '../../kit/clock.js';
import { FakeNotificationLog } from './notificationLog.fake.js';
import { testPhoneKeys } from '../../kit/phoneKeys.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, type Implementation } from '../harness.js';

interface NotificationLogSubject {
  log: NotificationLog;
  /** The domain's time, which the test passes into every write. */
  clock: FakeClock;
}

const ledgerDb = databasePerFile(createLedgerDatabase);

/** The adapter as the composition root builds it (`batched`: conditional writes of concurrent callers in one multi-statement round trip), and one statement at a time. */
const mysqlNotificationLog = (batched: boolean): Implementation<NotificationLogSubject> => ({
  name: batched ? 'MySQL, batched writes' : 'MySQL',
  async start() {
    const pool = createMysqlPool(ledgerDb().url, 2, { multipleStatements: batched });
    return {
      async fresh() {
        await pool.query('DELETE FROM notification_log');
        return { log: new MysqlNotificationLog(pool, batched ? pool : undefined), clock: new FakeClock() };
      },
      stop: () => pool.end(),
    };
  },
});

describeContract<NotificationLogSubject>(
  'NotificationLog',
  [
    fakeImplementation(() => {
      return { log: new FakeNotificationLog(), clock: new FakeClock() };
    }),
    mysqlNotificationLog(false),
    mysqlNotificationLog(true),
  ],
  (subject) => {
    const MINUTE = 60_000;
    const START = new FakeClock().now();
    const phone = testPhoneKeys.lookupKey('+447770123456');
    const registration = (messageKey: string, overrides: Partial<NotificationRegistration> = {}): NotificationRegistration => ({
      messageKey,
      jobId: 5,
      customerId: 7,
      kind: 'job-received',
      channel: 'sms',
      state: 'queued',
      toMasked: '***456',
      toHash: phone,
      detail: null,
      reason: null,
      ...overrides,
    });
    const registered = ({ settledContent: _settled, ...r }: NotificationRegistration, updatedAt: Date): NotificationEntry => ({
      ...r,
      attempts: 0,
      gateway: null,
      providerMessageId: null,
      price: null,
      errorCode: null,
      createdAt: updatedAt,
      updatedAt,
      settledAt: FINAL_NOTIFICATION_STATES.includes(r.state) ? updatedAt : null,
      scheduledFor: r.scheduledFor ?? null,
      content: r.content ?? null,
    });
    const keys = (entries: NotificationEntry[]) => entries.map((e) => e.messageKey).sort();
    /** The time the domain passes into a write: the test's clock, now. */
    const now = () => subject().clock.now();

    it('register adds an entry with no attempts, stamped with the current time', async () => {
      const { log, clock } = subject();
      const entry = registration('job-5-received', { toHash: null, detail: 'no usable number', state: 'skipped', reason: 'no-address' });
      await log.register([entry], now());
      expect(await log.get('job-5-received')).toEqual(registered(entry, clock.now()));
      expect(await log.get('missing')).toBeUndefined();
    });

    it('register keeps a message of no job scheduled, with its words and the time it waits for', async () => {
      const { log, clock } = subject();
      const scheduledFor = new Date('2026-11-30T09:00:00.000Z');
      const entry = registration('broadcast-b-customer-7', {
        jobId: null,
        kind: 'broadcast',
        state: 'scheduled',
        scheduledFor,
        content: { subject: 'Closed on Friday', text: 'We are closed on Friday — ünïcode ok', html: '<p>We are closed</p>' },
      });
      await log.register([entry], now());
      expect(await log.get('broadcast-b-customer-7')).toEqual(registered(entry, clock.now()));
      expect(await log.forJobs([5], 'job-received')).toEqual([]);
    });

    it('swaps in the settled content when an entry settles, and keeps the words while it can still be sent', async () => {
      const { log } = subject();
      const content = { text: 'Here is your discount code: ABCDEFGH23' };
      const settledContent = { text: 'Here is your discount code: *******H23' };
      await log.register([registration('reward-a', { kind: 'reward-code', content, settledContent }), registration('reward-b', { kind: 'reward-code', content, settledContent })], now());
      expect(await log.claimForSending('reward-a', 'queued', 0, 'vonage-sms', now())).toBe(true);
      expect(await log.record('reward-a', 'sending', { state: 'queued' }, now())).toBe(true);
      expect((await log.get('reward-a'))?.content).toEqual(content);
      expect(await log.claimForSending('reward-a', 'queued', 1, 'vonage-sms', now())).toBe(true);
      expect(await log.record('reward-a', 'sending', { state: 'sent', providerMessageId: 'p-1' }, now())).toBe(true);
      expect((await log.get('reward-a'))?.content).toEqual(settledContent);
      expect(await log.record('reward-b', 'queued', { state: 'failed', reason: 'invalid-recipient', detail: 'bad number' }, now())).toBe(true);
      expect((await log.get('reward-b'))?.content).toEqual(settledContent);
    });

    it('stranded finds stale queued and sending entries and overdue scheduled ones, oldest first, at most limit of each', async () => {
      const { log, clock } = subject();
      await log.register([registration('queued-old'), registration('sending-old'), registration('scheduled-due', { state: 'scheduled', scheduledFor: new Date(START.getTime() + MINUTE) })], now());
      expect(await log.claimForSending('sending-old', 'queued', 0, 'vonage-sms', now())).toBe(true);
      clock.advance(MINUTE);
      await log.register([registration('queued-older-by-key'), registration('settled', { state: 'skipped', reason: 'no-address' })], now());
      await log.register([registration('scheduled-later', { state: 'scheduled', scheduledFor: new Date(START.getTime() + 60 * MINUTE) })], now());
      clock.advance(MINUTE);
      await log.register([registration('queued-fresh')], now());
      const cutoff = new Date(START.getTime() + MINUTE); // at the cutoff counts: 'scheduled-due' is due then
      const found = await log.stranded({ queuedUntil: cutoff, sendingUntil: cutoff, scheduledUntil: cutoff, limit: 10 });
      expect(found.map((e) => e.messageKey)).toEqual(['queued-old', 'queued-older-by-key', 'sending-old', 'scheduled-due']);
      const one = await log.stranded({ queuedUntil: cutoff, sendingUntil: cutoff, scheduledUntil: cutoff, limit: 1 });
      expect(one.map((e) => e.messageKey)).toEqual(['queued-old', 'sending-old', 'scheduled-due']);
    });

    it('register keeps the state of entries that already exist', async () => {
      const { log, clock } = subject();
      const first = registration('job-5-received');
      const registeredAt = clock.now();
      await log.register([first], now());
      clock.advance(MINUTE);
      await log.register([registration('job-5-received', { state: 'skipped', detail: 'again', jobId: 6 }), registration('job-6-received')], now());
      await log.register([], now());
      expect(await log.get('job-5-received')).toEqual(registered(first, registeredAt));
      expect(await log.get('job-6-received')).toMatchObject({ state: 'queued' });
    });

    it('getMany returns each existing entry once, ignoring unknown keys', async () => {
      const { log } = subject();
      await log.register([registration('a'), registration('b'), registration('c')], now());
      expect(keys(await log.getMany(['c', 'missing', 'a', 'c']))).toEqual(['a', 'c']);
      expect(await log.getMany([])).toEqual([]);
    });

    it('claimForSending moves the expected state and attempt count to sending and counts the attempt', async () => {
      const { log, clock } = subject();
      await log.register([registration('k')], now());
      clock.advance(MINUTE);
      expect(await log.claimForSending('k', 'queued', 1, 'vonage-sms', now())).toBe(false);
      expect(await log.claimForSending('k', 'retrying', 0, 'vonage-sms', now())).toBe(false);
      expect(await log.claimForSending('missing', 'queued', 0, 'vonage-sms', now())).toBe(false);
      expect(await log.claimForSending('k', 'queued', 0, 'vonage-sms', now())).toBe(true);
      expect(await log.get('k')).toMatchObject({ state: 'sending', attempts: 1, updatedAt: clock.now() });
      expect(await log.claimForSending('k', 'queued', 0, 'vonage-sms', now())).toBe(false);
    });

    it('claimForSending lets exactly one of two concurrent consumers win', async () => {
      const { log } = subject();
      await log.register([registration('k')], now());
      const claims = await Promise.all([log.claimForSending('k', 'queued', 0, 'vonage-sms', now()), log.claimForSending('k', 'queued', 0, 'vonage-sms', now())]);
      expect(claims.sort()).toEqual([false, true]);
      expect(await log.get('k')).toMatchObject({ state: 'sending', attempts: 1 });
    });

    it('answers each of many concurrent claims, switches and records for its own entry', async () => {
      const { log } = subject();
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
      await log.register(keys.map((key) => registration(key)), now());
      const even = (i: number) => i % 2 === 0;
      const claims = await Promise.all(keys.map((key, i) => log.claimForSending(key, even(i) ? 'queued' : 'retrying', 0, 'vonage-sms', now())));
      expect(claims).toEqual(keys.map((_, i) => even(i)));
      const switches = await Promise.all(keys.map((key, i) => (i % 4 === 0 ? log.switchGateway(key, 1, 'vonage-messages', now()) : Promise.resolve(null))));
      expect(switches).toEqual(keys.map((_, i) => (i % 4 === 0 ? true : null)));
      const records = await Promise.all(keys.map((key, i) => log.record(key, 'sending', { state: 'sent', providerMessageId: `p-${i}`, price: '0.0333' }, now())));
      expect(records).toEqual(keys.map((_, i) => even(i)));
      for (const [i, key] of keys.entries()) {
        expect(await log.get(key), key).toMatchObject(
          even(i) ? { state: 'sent', attempts: i % 4 === 0 ? 2 : 1, gateway: i % 4 === 0 ? 'vonage-messages' : 'vonage-sms', providerMessageId: `p-${i}`, price: '0.033' } : { state: 'queued', attempts: 0, providerMessageId: null },
        );
      }
    });

    it('forJobs finds the entry of every channel of an event for these jobs, and nothing else', async () => {
      const { log } = subject();
      await log.register([
        registration('job-5-received'),
        registration('job-5-received-email', { channel: 'email', toHash: null }),
        registration('job-5-closed', { kind: 'job-closed' }),
        registration('job-6-received', { jobId: 6 }),
        registration('job-9-received', { jobId: 9 }),
      ], now());
      expect(keys(await log.forJobs([5, 6], 'job-received'))).toEqual(['job-5-received', 'job-5-received-email', 'job-6-received']);
      expect(await log.forJobs([], 'job-received')).toEqual([]);
    });

    it('switchGateway moves only a claimed entry at the expected attempt on to the next gateway', async () => {
      const { log } = subject();
      await log.register([registration('k')], now());
      expect(await log.switchGateway('k', 0, 'vonage-messages', now())).toBe(false);
      await log.claimForSending('k', 'queued', 0, 'vonage-sms', now());
      expect(await log.switchGateway('k', 0, 'vonage-messages', now())).toBe(false);
      expect(await log.switchGateway('k', 1, 'vonage-messages', now())).toBe(true);
      expect(await log.get('k')).toMatchObject({ state: 'sending', attempts: 2, gateway: 'vonage-messages' });
      expect(await log.switchGateway('k', 1, 'vonage-sms', now())).toBe(false);
    });

    it('record schedules an entry for a time and clears that time when it moves on', async () => {
      const { log } = subject();
      await log.register([registration('k')], now());
      const at = new Date('2026-11-30T09:00:00.000Z');
      expect(await log.record('k', 'queued', { state: 'scheduled', scheduledFor: at }, now())).toBe(true);
      expect(await log.get('k')).toMatchObject({ state: 'scheduled', scheduledFor: at, settledAt: null });
      expect((await log.list({ outcome: 'scheduled', limit: 10 })).map((e) => e.messageKey)).toEqual(['k']);
      expect(await log.claimForSending('k', 'scheduled', 0, 'vonage-sms', now())).toBe(true);
      expect(await log.record('k', 'sending', { state: 'sent' }, now())).toBe(true);
      expect(await log.get('k')).toMatchObject({ state: 'sent', scheduledFor: null });
    });

    it('list answers newest first, filtered by job, customer and outcome, with the delivery', async () => {
      const { log, clock } = subject();
      await log.register([registration('a'), registration('b', { jobId: 6, customerId: 8 })], now());
      clock.advance(MINUTE);
      await log.register([registration('c', { state: 'skipped', reason: 'not-subscribed', channel: null })], now());
      await log.claimForSending('a', 'queued', 0, 'vonage-sms', now());
      await log.record('a', 'sending', { state: 'sent', providerMessageId: 'P-1' }, now());
      await log.recordDelivery('a', null, { outcome: deliveryOutcomeOf('delivered'), errorCode: '0', deliveredAt: clock.now() });
      expect((await log.list({ limit: 10 })).map((e) => e.messageKey)).toEqual(['c', 'b', 'a']);
      expect((await log.list({ limit: 1 })).map((e) => e.messageKey)).toEqual(['c']);
      expect((await log.list({ jobId: 6, limit: 10 })).map((e) => e.messageKey)).toEqual(['b']);
      expect((await log.list({ customerId: 7, limit: 10 })).map((e) => e.messageKey)).toEqual(['c', 'a']);
      expect((await log.list({ outcome: 'delivered', limit: 10 })).map((e) => [e.messageKey, e.delivery && deliveryStatusWord(e.delivery.outcome)])).toEqual([['a', 'delivered']]);
      expect((await log.list({ outcome: 'queued', limit: 10 })).map((e) => e.messageKey)).toEqual(['b']);
      expect((await log.list({ outcome: 'skipped', limit: 10 })).map((e) => e.messageKey)).toEqual(['c']);
      expect(await log.list({ outcome: 'sent', limit: 10 })).toEqual([]);
    });

    it('list filters each outcome exactly as notificationOutcome names it: one rule (OUTCOME_RULE) for an entry in hand and for the SQL', async () => {
      const { log } = subject();
      const states: NotificationState[] = ['scheduled', 'queued', 'sending', 'retrying', 'sent', 'rejected', 'failed', 'skipped', 'unknown'];
      const statuses: Array<DeliveryStatusWord | null> = [null, ...DELIVERY_STATUS_WORDS];
      for (const state of states) {
        for (const status of statuses) {
          const key = `${state}-${status ?? 'none'}`;
          await log.register([registration(key, { state, ...(state === 'scheduled' ? { scheduledFor: START } : {}) })], now());
          if (status) await log.recordDelivery(key, null, { outcome: deliveryOutcomeOf(status), errorCode: null, deliveredAt: null });
        }
      }
      const all = await log.list({ limit: 500 });
      expect(all).toHaveLength(states.length * statuses.length);
      for (const outcome of NOTIFICATION_OUTCOMES) {
        const named = all.filter((entry) => notificationOutcome(entry).outcome === outcome).map((entry) => entry.messageKey);
        expect((await log.list({ outcome, limit: 500 })).map((entry) => entry.messageKey).sort(), outcome).toEqual(named.sort());
      }
    });

    it('record writes the outcome only from the expected state', async () => {
      const { log, clock } = subject();
      await log.register([registration('k')], now());
      await log.claimForSending('k', 'queued', 0, 'vonage-sms', now());
      clock.advance(MINUTE);
      expect(await log.record('k', 'queued', { state: 'sent' }, now())).toBe(false);
      expect(await log.record('missing', 'sending', { state: 'sent' }, now())).toBe(false);
      expect(await log.get('k')).toMatchObject({ state: 'sending' });
      expect(await log.record('k', 'sending', { state: 'sent', providerMessageId: 'ABC', price: '0.033' }, now())).toBe(true);
      expect(await log.get('k')).toMatchObject({ state: 'sent', attempts: 1, providerMessageId: 'ABC', price: '0.033', updatedAt: clock.now() });
    });

    it('stamps every write with the time it is given, never its own clock (issue 22, one clock)', async () => {
      const { log } = subject();
      // Times far from the test's clock and the database's, out of order as a slow writer may be.
      const createdAt = new Date('2031-05-06T07:08:09.123Z');
      const claimedAt = new Date('2030-01-02T03:04:05.678Z');
      const switchedAt = new Date('2032-12-31T23:59:58.001Z');
      const settledAt = new Date('2029-07-08T09:10:11.999Z');
      await log.register([registration('k'), registration('skipped', { state: 'skipped', reason: 'no-address' })], createdAt);
      expect(await log.get('k')).toMatchObject({ createdAt, updatedAt: createdAt, settledAt: null });
      expect(await log.get('skipped')).toMatchObject({ createdAt, updatedAt: createdAt, settledAt: createdAt });
      expect(await log.claimForSending('k', 'queued', 0, 'vonage-sms', claimedAt)).toBe(true);
      expect(await log.get('k')).toMatchObject({ createdAt, updatedAt: claimedAt, settledAt: null });
      expect(await log.switchGateway('k', 1, 'vonage-messages', switchedAt)).toBe(true);
      expect(await log.get('k')).toMatchObject({ createdAt, updatedAt: switchedAt, settledAt: null });
      expect(await log.record('k', 'sending', { state: 'retrying' }, claimedAt)).toBe(true);
      expect(await log.get('k')).toMatchObject({ createdAt, updatedAt: claimedAt, settledAt: null });
      expect(await log.record('k', 'retrying', { state: 'sent' }, settledAt)).toBe(true);
      expect(await log.get('k')).toMatchObject({ createdAt, updatedAt: settledAt, settledAt });
    });

    it('record keeps the message id and price an outcome leaves out, and replaces the error and detail', async () => {
      const { log } = subject();
      await log.register([registration('k')], now());
      await log.record('k', 'queued', { state: 'retrying', providerMessageId: 'ABC', price: '0.050', errorCode: '1', detail: 'throttled' }, now());
      expect(await log.get('k')).toMatchObject({ providerMessageId: 'ABC', price: '0.050', errorCode: '1', detail: 'throttled' });
      await log.record('k', 'retrying', { state: 'unknown' }, now());
      expect(await log.get('k')).toMatchObject({ state: 'unknown', providerMessageId: 'ABC', price: '0.050', errorCode: null, detail: null });
    });

    it('record stores a price to 3 decimals, rounded half up, and at most 512 characters of detail', async () => {
      const { log } = subject();
      await log.register([registration('k')], now());
      await log.record('k', 'queued', { state: 'rejected', price: '0.0335', detail: 'd'.repeat(600) }, now());
      expect(await log.get('k')).toMatchObject({ price: '0.034', detail: 'd'.repeat(512) });
    });

    it("record keeps an email's long Message-ID whole, and cuts what would not fit rather than failing", async () => {
      const { log } = subject();
      await log.register([registration('k'), registration('k2')], now());
      const messageId = `<notification.broadcast-${'0f8fad5b-d9cb-469f-a165-70867728950e'}-customer-123456789012345-email@${'relay.example'.repeat(5)}>`;
      expect(messageId.length).toBeGreaterThan(150);
      const writes = await Promise.all([
        log.record('k', 'queued', { state: 'sent', providerMessageId: messageId }, now()),
        log.record('k2', 'queued', { state: 'rejected', providerMessageId: 'x'.repeat(300), errorCode: 'E'.repeat(40) }, now()),
      ]);
      expect(writes).toEqual([true, true]);
      expect(await log.findByProviderMessageId(messageId)).toMatchObject({ messageKey: 'k' });
      expect(await log.get('k2')).toMatchObject({ providerMessageId: 'x'.repeat(191), errorCode: 'E'.repeat(32) });
    });

    it('getWithDelivery and findByProviderMessageId return the entry with its delivery status', async () => {
      const { log } = subject();
      await log.register([registration('k'), registration('other')], now());
      await log.record('k', 'queued', { state: 'sent', providerMessageId: 'ABC' }, now());
      const entry = (await log.get('k'))!;
      expect(await log.getWithDelivery('k')).toEqual({ ...entry, delivery: null });
      expect(await log.findByProviderMessageId('ABC')).toEqual({ ...entry, delivery: null });
      expect(await log.findByProviderMessageId('nope')).toBeUndefined();
      expect(await log.getWithDelivery('missing')).toBeUndefined();

      const delivery = { outcome: deliveryOutcomeOf('delivered'), errorCode: '0', deliveredAt: new Date('2026-11-23T09:05:00.250Z') };
      await log.recordDelivery('k', null, delivery);
      expect(await log.findByProviderMessageId('ABC')).toEqual({ ...entry, delivery });
      expect(await log.getWithDelivery('k')).toEqual({ ...entry, delivery });
    });

    it('recordDelivery writes only over the expected status, keeps the delivery time and leaves updatedAt alone', async () => {
      const { log, clock } = subject();
      await log.register([registration('k')], now());
      const { updatedAt } = (await log.get('k'))!;
      clock.advance(MINUTE);
      const deliveredAt = new Date('2026-11-23T09:05:00.000Z');
      expect(await log.recordDelivery('k', deliveryOutcomeOf('accepted'), { outcome: deliveryOutcomeOf('buffered'), errorCode: null, deliveredAt: null })).toBe(false);
      expect(await log.recordDelivery('missing', null, { outcome: deliveryOutcomeOf('buffered'), errorCode: null, deliveredAt: null })).toBe(false);
      expect(await log.recordDelivery('k', null, { outcome: deliveryOutcomeOf('delivered'), errorCode: '0', deliveredAt })).toBe(true);
      expect(await log.recordDelivery('k', null, { outcome: deliveryOutcomeOf('failed'), errorCode: '6', deliveredAt: null })).toBe(false);
      expect(await log.recordDelivery('k', deliveryOutcomeOf('delivered'), { outcome: deliveryOutcomeOf('expired'), errorCode: '2', deliveredAt: null })).toBe(true);
      expect(await log.getWithDelivery('k')).toMatchObject({ updatedAt, delivery: { outcome: deliveryOutcomeOf('expired'), errorCode: '2', deliveredAt } });
    });

    it('recordDelivery lets exactly one of two concurrent receipts over the same status win', async () => {
      const { log } = subject();
      await log.register([registration('k')], now());
      const wins = await Promise.all(
        (['delivered', 'failed'] as const).map((status) => log.recordDelivery('k', null, { outcome: deliveryOutcomeOf(status), errorCode: null, deliveredAt: null })),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(deliveryStatusWord((await log.getWithDelivery('k'))!.delivery!.outcome)).toBe(wins[0] ? 'delivered' : 'failed');
    });

    /** Registers these entries in one write at `minute` past the start, then records each sent. */
    const sendAt = async (minute: number, ...entries: NotificationRegistration[]) => {
      const { log, clock } = subject();
      clock.advance(START.getTime() + minute * MINUTE - clock.now().getTime());
      await log.register(entries, now());
      for (const entry of entries) await log.record(entry.messageKey, entry.state, { state: 'sent' }, now());
    };
    const closed = (jobId: number, overrides: Partial<NotificationRegistration> = {}) =>
      registration(`job-${jobId}-closed`, { jobId, kind: 'job-closed', ...overrides });
    const latestClosed = async () => (await subject().log.latestSentTo(phone, 'job-closed'))?.messageKey;

    it('latestSentTo picks the most recently created sent entry by time, not by the order of the writes', async () => {
      await sendAt(10, closed(1));
      await sendAt(5, closed(2));
      expect(await latestClosed()).toBe('job-1-closed');
    });

    it('latestSentTo goes by creation, not by the last update', async () => {
      const { log, clock } = subject();
      clock.advance(START.getTime() + MINUTE - clock.now().getTime());
      await log.register([closed(1)], now());
      clock.advance(MINUTE);
      await log.register([closed(2)], now());
      await log.record('job-2-closed', 'queued', { state: 'sent' }, now());
      clock.advance(MINUTE);
      await log.record('job-1-closed', 'queued', { state: 'sent' }, now());
      expect(await latestClosed()).toBe('job-2-closed');
    });

    it('latestSentTo breaks a tie in creation time by the highest message key', async () => {
      await sendAt(1, closed(8), closed(7));
      expect(await latestClosed()).toBe('job-8-closed');
    });

    it('latestSentTo only looks at sent entries of that kind to that number', async () => {
      const { log, clock } = subject();
      expect(await latestClosed()).toBeUndefined();
      await sendAt(1, closed(1));
      await sendAt(2, registration('job-2-received', { jobId: 2 }), closed(3, { toHash: testPhoneKeys.lookupKey('+447770999999') }));
      clock.advance(MINUTE);
      await log.register([closed(4), closed(5)], now());
      await log.record('job-5-closed', 'queued', { state: 'failed' }, now());
      expect(await latestClosed()).toBe('job-1-closed');
      expect((await log.latestSentTo(phone, 'job-received'))?.messageKey).toBe('job-2-received');
    });
  },
);
