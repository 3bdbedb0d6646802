import { describe, expect, it } from 'vitest';
import { isNextStatus } from '../../../src/domain/jobs/jobStatus.js';
import { amountFromThousandths, roundToAmount, thousandthsFromAmount } from '../../../src/domain/shared/money.js';
import { maskPhone, toE164 } from '../../../src/domain/shared/phone.js';
import { notificationKey } from '../../../src/domain/notifications/notificationMessage.js';
import { parseNotificationMessage } from '../../../src/adapters/serviceBus/notificationWire.js';
import { seedJobDate, toJobDocument, withStatusAtLeast } from '../../../src/domain/jobs/job.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';

describe('phone numbers', () => {
  it('reads national and international forms of a GB mobile as the same E.164 number', () => {
    expect(toE164('07770 123456')).toEqual({ ok: true, e164: '+447770123456' });
    expect(toE164('+447770 123456')).toEqual({ ok: true, e164: '+447770123456' });
    expect(toE164('0044 7770 123456')).toEqual({ ok: true, e164: '+447770123456' });
  });

  it('refuses missing, malformed and landline numbers with a reason', () => {
    expect(toE164(null)).toEqual({ ok: false, reason: 'no mobile number on the job' });
    expect(toE164('   ')).toMatchObject({ ok: false });
    expect(toE164('12')).toMatchObject({ ok: false, reason: 'mobile number is not a valid phone number' });
    expect(toE164('020 7946 0000')).toMatchObject({ ok: false, reason: expect.stringContaining('not a mobile') });
  });

  it('masks all but the last three digits', () => {
    expect(maskPhone('+447770123456')).toBe('***456');
    expect(maskPhone('12')).toBe('***');
  });
});

describe('money', () => {
  it('round-trips 3-decimal amounts through integer thousandths', () => {
    expect(thousandthsFromAmount('45.500')).toBe(45500n);
    expect(amountFromThousandths(45500n)).toBe('45.500');
    expect(amountFromThousandths(7n)).toBe('0.007');
    expect(() => thousandthsFromAmount('45.5')).toThrow(RangeError);
  });

  it('rounds Vonage prices half-up to 3 decimals without floats', () => {
    expect(roundToAmount('0.03330000')).toBe('0.033');
    expect(roundToAmount('0.03350000')).toBe('0.034');
    expect(roundToAmount('0.9995')).toBe('1.000');
    expect(roundToAmount('12')).toBe('12.000');
    expect(() => roundToAmount('abc')).toThrow(RangeError);
  });
});

describe('job status', () => {
  it('moves forward one step at a time only', () => {
    expect(isNextStatus('NEW', 'OPENED')).toBe(true);
    expect(isNextStatus('OPENED', 'JOB COMPLETED')).toBe(false);
    expect(isNextStatus('OPENED', 'NEW')).toBe(false);
  });

  it('never moves a document backwards', () => {
    const doc = toJobDocument(clientJob(1), new Date('2026-11-23T00:00:00Z'), 1);
    const opened = withStatusAtLeast(doc, 'OPENED', new Date());
    expect(opened.job_status).toBe('OPENED');
    expect(withStatusAtLeast(opened, 'NEW', new Date())).toBe(opened);
  });
});

describe('job document', () => {
  it('keeps the seed shape with the id as document id and partition key', () => {
    const doc = toJobDocument(clientJob(123), new Date('2021-01-01T10:00:00Z'), 42);
    expect(doc).toMatchObject({
      id: '123',
      job_id: '123',
      job_date: '01012021',
      job_type: 'warranty repair',
      job_status: 'NEW',
      customer: [{ client_firstname: 'Joe', client_lastname: 'Bloggs', client_postcode: 'SG13 7TZ', client_mobile: '+447770 123456' }],
      product: [{ product_id: '123', product_type: 'spider catcher' }],
      customer_id: 42,
    });
    expect(seedJobDate(new Date('2026-11-23T23:59:00Z'))).toBe('23112026');
  });
});

describe('notification message contract', () => {
  const valid = { notificationId: 'job-7-received', channel: 'sms', event: 'job-received', jobId: 7, customerId: 3, to: '+447770123456', text: 'Hello' };
  const email = { ...valid, notificationId: 'job-7-received-email', channel: 'email', to: 'amira@example.com', subject: 'Received', html: '<p>Hello</p>' };

  it('accepts a valid message as object, JSON string or bytes, for each channel', () => {
    expect(parseNotificationMessage(valid)).toEqual({ ok: true, message: valid });
    expect(parseNotificationMessage(JSON.stringify(valid))).toMatchObject({ ok: true });
    expect(parseNotificationMessage(Buffer.from(JSON.stringify(valid)))).toMatchObject({ ok: true });
    expect(parseNotificationMessage(email)).toEqual({ ok: true, message: email });
    expect(parseNotificationMessage({ ...valid, channel: 'whatsapp', notificationId: 'job-7-received-whatsapp' })).toMatchObject({ ok: true });
  });

  it('reads the SMS message of releases before channels as the sms notification it was', () => {
    const legacy = { kind: 'job-closed', jobId: 7, to: '+447770123456', text: 'How did we do?' };
    expect(parseNotificationMessage(legacy)).toEqual({
      ok: true,
      message: { notificationId: 'job-7-closed', channel: 'sms', event: 'job-closed', jobId: 7, customerId: null, to: '+447770123456', text: 'How did we do?' },
    });
  });

  it('explains what is wrong without echoing the phone number or address', () => {
    const result = parseNotificationMessage({ ...valid, to: '07770123456', jobId: -1, extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.detail).toContain('to: must be an E.164 phone number');
    expect(result.detail).toContain('jobId');
    expect(result.detail).not.toContain('07770123456');
    expect(parseNotificationMessage({ ...email, to: 'not an address' })).toMatchObject({ ok: false, detail: expect.stringContaining('to: must be an email address') });
    expect(parseNotificationMessage({ ...valid, subject: 'no subject on SMS' })).toMatchObject({ ok: false });
    expect(parseNotificationMessage({ ...valid, channel: 'fax' })).toMatchObject({ ok: false });
    expect(parseNotificationMessage({ kind: 'job-received', jobId: 7, to: '0777', text: 'x' })).toMatchObject({ ok: false, detail: expect.stringContaining('to:') });
    expect(parseNotificationMessage('not json')).toMatchObject({ ok: false });
  });

  it('derives deterministic idempotency keys; sms keeps the key it had before channels', () => {
    expect(notificationKey('job-received', 123, 'sms')).toBe('job-123-received');
    expect(notificationKey('job-closed', 123, 'sms')).toBe('job-123-closed');
    expect(notificationKey('job-in-progress', 123, 'email')).toBe('job-123-in-progress-email');
    expect(notificationKey('job-completed', 123, 'whatsapp')).toBe('job-123-completed-whatsapp');
  });
});
