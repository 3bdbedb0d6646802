import { describe, expect, it } from 'vitest';
import { age, channelName, inZone, utcTitle, words } from '../../../web/src/format.js';
import { query } from '../../../web/src/api.js';

/** The console's words for times and machine values (web/src/format.ts), and its query strings. */
describe('console formatting', () => {
  it('shows an instant in the shop’s zone, summer and winter time alike, and the UTC instant for the title', () => {
    expect(inZone('2026-07-01T12:30:00Z', 'Europe/London')).toBe('Wed, 1 Jul 2026, 13:30 BST');
    expect(inZone('2026-12-01T12:30:00Z', 'Europe/London')).toBe('Tue, 1 Dec 2026, 12:30 GMT');
    expect(inZone('2026-12-01T12:30:05Z', 'America/New_York', true)).toMatch(/^Tue, 1 Dec 2026, 07:30:05 (EST|GMT-5)$/);
    expect(utcTitle('2026-12-01T12:30:05.123Z')).toBe('2026-12-01 12:30:05 UTC');
    expect(inZone('not a time', 'Europe/London')).toBe('not a time');
  });

  it('says how long ago in the largest units that matter', () => {
    const now = Date.parse('2026-12-08T12:00:00Z');
    expect(age('2026-12-08T11:59:40Z', now)).toBe('just now');
    expect(age('2026-12-08T11:35:00Z', now)).toBe('25 min');
    expect(age('2026-12-08T09:10:00Z', now)).toBe('2 h 50 min');
    expect(age('2026-12-05T08:00:00Z', now)).toBe('3 d 4 h');
  });

  it('writes statuses, events and channels as words', () => {
    expect(words('JOB COMPLETED')).toBe('Job completed');
    expect(words('job-in-progress')).toBe('Job in progress');
    expect(channelName('sms')).toBe('SMS');
    expect(channelName('whatsapp')).toBe('WhatsApp');
    expect(channelName('fax')).toBe('Fax');
  });

  it('builds a query string of the values that are set', () => {
    expect(query({ status: 'IN PROGRESS', q: '', cursor: undefined, limit: null })).toBe('?status=IN+PROGRESS');
    expect(query({ q: '' })).toBe('');
  });
});
