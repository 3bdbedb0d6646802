import { describe, expect, it } from 'vitest';
import { HmacTrackingTokens, trackingLinkSecret } from '../../../src/adapters/signatures/trackingTokens.js';
import { jobNotificationContent, JOB_EVENTS, TWO_SMS_SEGMENTS } from '../../../src/domain/notifications/texts.js';
import { escapeHtml, html } from '../../../src/functions/customerPage/html.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { TEST_PUBLIC_BASE_URL, TEST_TRACKING_LINK_SECRET, testTrackingTokens } from '../../kit/trackingLinks.js';
import { createWorld } from '../../support/world.js';

/** GSM-7's basic characters (3GPP TS 23.038) that a text of ours may hold; anything else would make it UCS-2. */
const GSM7 = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/;

/** A long but real-looking Azure host name (Flex Consumption names carry a region and a hash). */
const AZURE_BASE = 'https://func-repair-relay-prod-7x3k9q2hzmv4a.uksouth-01.azurewebsites.net';

describe('the customer page link in job messages (issue 25)', () => {
  const tokens = new HmacTrackingTokens(TEST_TRACKING_LINK_SECRET, AZURE_BASE);

  it('gives a job the same 22-character token (128 bits) every time, another job another, and a key-dependent one', () => {
    expect(tokens.tokenFor(123)).toBe(tokens.tokenFor(123));
    expect(tokens.tokenFor(123)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(tokens.tokenFor(123), 'base64url')).toHaveLength(16);
    expect(tokens.tokenFor(124)).not.toBe(tokens.tokenFor(123));
    expect(new HmacTrackingTokens(`${TEST_TRACKING_LINK_SECRET}!`, AZURE_BASE).tokenFor(123)).not.toBe(tokens.tokenFor(123));
    expect(tokens.urlOf(tokens.tokenFor(123))).toBe(`${AZURE_BASE}/api/t/${tokens.tokenFor(123)}`);
  });

  it('hashes well-formed tokens only, with SHA-256', () => {
    expect(tokens.hashOf(tokens.tokenFor(1))).toMatch(/^[0-9a-f]{64}$/);
    for (const bad of ['', 'short', `${tokens.tokenFor(1)}x`, '../../../../etc/passwd0', 'AAAAAAAAAAAAAAAAAAAAA=']) expect(tokens.hashOf(bad)).toBeUndefined();
  });

  it('derives a key of its own from PHONE_KEY_SECRET when TRACKING_LINK_SECRET is unset, never the phone key itself', () => {
    const phoneKey = 'p'.repeat(40);
    expect(trackingLinkSecret({ PHONE_KEY_SECRET: phoneKey })).not.toBe(phoneKey);
    expect(trackingLinkSecret({ PHONE_KEY_SECRET: phoneKey })).toBe(trackingLinkSecret({ PHONE_KEY_SECRET: phoneKey }));
    expect(trackingLinkSecret({ PHONE_KEY_SECRET: phoneKey, TRACKING_LINK_SECRET: 't'.repeat(40) })).toBe('t'.repeat(40));
  });

  it('accepts a form token only for its own page, unaltered and within its age', () => {
    const page = tokens.hashOf(tokens.tokenFor(7))!;
    const other = tokens.hashOf(tokens.tokenFor(8))!;
    const issued = new Date('2026-12-08T10:00:00Z');
    const form = tokens.formToken(page, issued);
    const later = (ms: number) => new Date(issued.getTime() + ms);
    expect(tokens.checkFormToken(page, form, later(60_000), 86_400_000)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(tokens.formToken(page, issued)).not.toBe(form);
    expect(tokens.checkFormToken(other, form, later(60_000), 86_400_000)).toBeUndefined();
    expect(tokens.checkFormToken(page, form, later(86_400_001), 86_400_000)).toBeUndefined();
    expect(tokens.checkFormToken(page, `${form.slice(0, -1)}${form.endsWith('A') ? 'B' : 'A'}`, later(1), 86_400_000)).toBeUndefined();
    expect(tokens.checkFormToken(page, '', later(1), 86_400_000)).toBeUndefined();
  });

  it('keeps the courtesy SMS with its link within two GSM-7 segments, even for a long product name', () => {
    const job = { jobId: 2_147_483_647, firstName: 'Christopher', jobType: 'screen, battery and charging port replacement', productType: 'Samsung Galaxy Z Fold6 5G 512GB Silver Shadow (SM-F956B) with S Pen Fold Edition case' };
    const link = tokens.urlOf(tokens.tokenFor(job.jobId));
    for (const event of JOB_EVENTS) {
      const { text } = jobNotificationContent(event, 'sms', job, link);
      expect(text, event).toMatch(GSM7);
      expect(text.length, `${event}: ${text}`).toBeLessThanOrEqual(TWO_SMS_SEGMENTS);
      expect(text.endsWith(` Track it: ${link}`), event).toBe(true);
      expect(text, event).toContain('Samsung Galaxy');
    }
    // A short product name is left whole.
    expect(jobNotificationContent('job-received', 'sms', { ...job, productType: 'iPad Air', jobType: 'screen' }, link).text).toContain('your iPad Air for screen (job');
    // Email names the product in full, and links the page.
    const email = jobNotificationContent('job-received', 'email', job, link);
    expect(email.text).toContain(job.productType);
    expect(email.html).toContain(`<a href="${link}">`);
  });
});

describe('the link in a message the poll rebuilds (NotificationRepair)', () => {
  it('carries the same link, and remembers it before the message is queued again', async () => {
    const world = createWorld([clientJob(1)]);
    await world.poll();
    world.queue.drain(world.clock.now()); // lost after queueing
    world.trackingLinkLedger.links.clear(); // as if logged before the ledger knew the link
    world.clock.advance(11 * 60_000);
    await world.poll();

    const link = `${TEST_PUBLIC_BASE_URL}/api/t/${testTrackingTokens.tokenFor(1)}`;
    expect(world.queue.messages).toHaveLength(1);
    expect(world.queue.messages[0]!.messageId).toMatch(/^job-1-received-requeue-\d+$/);
    expect(world.queue.messages[0]!.body).toMatchObject({ jobId: 1, text: expect.stringContaining(` Track it: ${link}`) });
    expect(await world.trackingLinkLedger.jobOf(testTrackingTokens.hashOf(testTrackingTokens.tokenFor(1))!)).toBe(1);
  });
});

describe('the page templates', () => {
  it('escapes every value but markup made by html itself', () => {
    const name = '<script>alert("x")</script> & \'friends\'';
    expect(html`<p>${name}</p>`.markup).toBe(`<p>${escapeHtml(name)}</p>`);
    expect(html`<p>${name}</p>`.markup).not.toContain('<script>');
    expect(html`<ul>${['a<', 'b'].map((item) => html`<li>${item}</li>`)}</ul>`.markup).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.markup).toBe('0');
  });
});
