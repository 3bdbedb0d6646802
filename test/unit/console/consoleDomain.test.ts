import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, readTimeKey } from '../../../src/domain/console/cursor.js';
import { jobSearch } from '../../../src/domain/console/jobs.js';
import { reasonText, textAsSent } from '../../../src/domain/console/outcomes.js';
import { movedBy, pendingOf } from '../../../src/domain/console/timeline.js';
import type { CustomerProfile } from '../../../src/domain/customers/customer.js';
import type { NotificationEntryWithDelivery } from '../../../src/domain/notifications/ports.js';
import { retryDelayMs } from '../../../src/domain/notifications/retries.js';
import { parseBusinessCalendar } from '../../../src/domain/windows/businessCalendar.js';
import { notificationEntry } from '../../kit/notificationEntries.js';

const AT = new Date('2026-12-07T18:00:00.000Z');

function entry(fields: Partial<NotificationEntryWithDelivery>): NotificationEntryWithDelivery {
  return notificationEntry({ messageKey: 'job-7-completed', jobId: 7, customerId: 3, kind: 'job-completed', createdAt: AT, updatedAt: AT, ...fields });
}

describe('the console domain', () => {
  it("names who moved a job, and only for a move: the client system to IN PROGRESS and JOB COMPLETED, Repair Relay to OPENED and CLOSED after its message", () => {
    const row = (status: string, event: 'STATUS' | 'PUT' | 'NOTIFY' | 'PAYMENT') => ({ jobId: 7, status, note: '', event, eventKey: `k-${status}`, at: AT });
    expect(movedBy(row('IN PROGRESS', 'STATUS'))).toBe('client system');
    expect(movedBy(row('JOB COMPLETED', 'STATUS'))).toBe('client system');
    expect(movedBy(row('OPENED', 'STATUS'))).toBe('Repair Relay, after its message');
    expect(movedBy(row('CLOSED', 'STATUS'))).toBe('Repair Relay, after its message');
    expect(movedBy(row('IN PROGRESS', 'PUT'))).toBe('api');
    // A message or a payment notes the status the job had; it moves nothing.
    expect(movedBy(row('IN PROGRESS', 'NOTIFY'))).toBeUndefined();
    expect(movedBy(row('JOB COMPLETED', 'PAYMENT'))).toBeUndefined();
  });

  it('reads q as a mobile ending (up to 4 digits), a job id (more digits) or a name prefix', () => {
    expect(jobSearch('42')).toEqual({ mobileEnding: '42' });
    expect(jobSearch(' 4321 ')).toEqual({ mobileEnding: '4321' });
    expect(jobSearch('12345')).toEqual({ jobId: 12345 });
    expect(jobSearch('Ada Lo')).toEqual({ namePrefix: 'Ada Lo' });
    expect(jobSearch('   ')).toBeUndefined();
  });

  it('gives opaque cursors back as the key they were made of, and nothing for a forged one', () => {
    const cursor = encodeCursor([AT.toISOString(), 'job-7-completed']);
    expect(decodeCursor(cursor, readTimeKey)).toEqual({ at: AT, id: 'job-7-completed' });
    expect(decodeCursor('not-a-cursor', readTimeKey)).toBeUndefined();
    expect(decodeCursor(encodeCursor(['yesterday', 'x']), readTimeKey)).toBeUndefined();
  });

  it('never shows a reward code in clear, even before the entry settles', () => {
    const reward = entry({ kind: 'reward-code', state: 'queued', content: { text: 'Thank you for your feedback! Here is your discount code: ABCDEFGH23' } });
    expect(textAsSent(reward)).toBe('Thank you for your feedback! Here is your discount code: *******H23');
    expect(textAsSent(entry({ content: { text: 'Hi Ada, your radio repair (job 7) is finished and ready for you.' } }))).toContain('your radio repair');
    expect(reasonText(entry({ state: 'failed', reason: 'provider-error', detail: 'vonage-sms unavailable' }))).toBe('every attempt failed (vonage-sms unavailable)');
  });

  it('says why a message has not gone yet: the window it waits for, or the gateway that failed and the next try', () => {
    const calendar = parseBusinessCalendar({ BUSINESS_TIMEZONE: 'Europe/London', BUSINESS_HOURS: 'Mon-Fri 09:00-17:30', BUSINESS_CLOSED_DATES: '' });
    if (!calendar.ok) throw new Error(calendar.detail);
    const customer: CustomerProfile = { customerId: 3, name: 'Ada', mobile: '+447700900456', email: null, timezone: 'Europe/Paris', contactHours: [{ days: ['Mon', 'Tue'], from: '10:00', to: '12:00' }], subscriptions: [] };
    const waiting = entry({ state: 'scheduled', scheduledFor: new Date('2026-12-08T09:00:00.000Z') });
    const retrying = entry({ messageKey: 'job-7-completed-email', state: 'retrying', attempts: 2, gateway: 'smtp', errorCode: '421', detail: 'smtp unavailable (421)' });
    const [window, retry] = pendingOf([waiting, retrying, entry({})], calendar.value, customer);
    expect(window).toMatchObject({
      notificationId: 'job-7-completed',
      outcome: 'scheduled',
      nextAttemptAt: new Date('2026-12-08T09:00:00.000Z'),
      window: { businessHours: expect.stringContaining('Mon-Fri 09:00-17:30'), customerHours: 'Mon, Tue 10:00-12:00', customerTimeZone: 'Europe/Paris' },
      failedGateway: null,
    });
    expect(retry).toMatchObject({ outcome: 'retrying', failedGateway: 'smtp', failedAt: AT, nextAttemptAt: new Date(AT.getTime() + retryDelayMs(2)), reasonText: 'attempt 2 failed: smtp unavailable (421)', window: null });
  });
});
