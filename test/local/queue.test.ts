import { describe, expect, it } from 'vitest';
import { LocalQueue, localNotificationQueue, type LocalMessage } from '../../dev/serviceBus.js';

const sms = (jobId: number) => ({ notificationId: `job-${jobId}-received`, channel: 'sms' as const, event: 'job-received' as const, jobId, customerId: null, to: '+447770123456', text: `hello ${jobId}` });

async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('in-process Service Bus queue', () => {
  it('drops a messageId seen within the duplicate detection window and accepts it again after the window', () => {
    let now = Date.parse('2026-11-23T09:00:00Z');
    const lines: string[] = [];
    const queue = new LocalQueue('sms-outbound', { now: () => now, log: (_level, line) => lines.push(line) });

    expect(queue.send([{ messageId: 'job-1-received', body: sms(1) }, { messageId: 'job-1-received', body: sms(1) }])).toEqual({
      accepted: ['job-1-received'],
      duplicates: ['job-1-received'],
    });
    now += 2 * 60 * 60_000 - 1;
    expect(queue.send([{ messageId: 'job-1-received', body: sms(1) }]).duplicates).toEqual(['job-1-received']);
    expect(queue.duplicatesDropped).toBe(2);
    expect(lines.filter((l) => l.includes('duplicate messageId job-1-received dropped'))).toHaveLength(2);

    now += 60 * 60_000;
    expect(queue.send([{ messageId: 'job-1-received', body: sms(1) }]).accepted).toEqual(['job-1-received']);
    expect(queue.counts().active).toBe(2);
  });

  it('keeps a scheduled message invisible until its enqueue time and reports that time as enqueued', () => {
    let now = Date.parse('2026-11-23T09:00:00Z');
    const queue = new LocalQueue('sms-outbound', { now: () => now });
    queue.send([
      { messageId: 'later', body: sms(2), scheduledEnqueueTimeUtc: new Date(now + 30_000) },
      { messageId: 'now', body: sms(1) },
    ]);
    expect(queue.counts()).toMatchObject({ active: 1, scheduled: 1 });
    now += 30_000;
    expect(queue.counts()).toMatchObject({ active: 2, scheduled: 0 });
    expect(queue.pending().find((m) => m.messageId === 'later')!.enqueuedTimeUtc.toISOString()).toBe('2026-11-23T09:00:30.000Z');
  });

  it('delivers a scheduled message to a subscriber when its time comes', async () => {
    const queue = new LocalQueue('sms-outbound');
    const delivered: Array<{ id: string; at: number }> = [];
    const subscription = queue.subscribe(async (m) => {
      delivered.push({ id: m.messageId, at: Date.now() });
    });
    const sentAt = Date.now();
    queue.send([{ messageId: 'soon', body: sms(3), scheduledEnqueueTimeUtc: new Date(sentAt + 300) }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(delivered).toEqual([]);
    await eventually(() => expect(delivered.map((d) => d.id)).toEqual(['soon']));
    expect(delivered[0]!.at - sentAt).toBeGreaterThanOrEqual(290);
    await subscription.close();
  });

  it('redelivers a message whose handler throws, counting deliveries, and dead-letters it after maxDeliveryCount with the error', async () => {
    const lines: Array<{ level: string; line: string }> = [];
    const queue = new LocalQueue('sms-outbound', { maxDeliveryCount: 4, log: (level, line) => lines.push({ level, line }) });
    const seen: number[] = [];
    const subscription = queue.subscribe(async (m) => {
      seen.push(m.deliveryCount);
      throw new Error(`Vonage is down (delivery ${m.deliveryCount})`);
    });
    queue.send([{ messageId: 'job-9-received', body: sms(9) }]);

    await eventually(() => expect(queue.deadLetters).toHaveLength(1));
    expect(seen).toEqual([1, 2, 3, 4]);
    const [dead] = queue.deadLetters as [LocalMessage];
    expect(dead).toMatchObject({ messageId: 'job-9-received', deliveryCount: 4, state: 'dead-lettered', deadLetterReason: 'MaxDeliveryCountExceeded' });
    expect(dead.deadLetterErrorDescription).toContain('Error: Vonage is down (delivery 4)');
    expect(queue.counts()).toEqual({ active: 0, scheduled: 0, locked: 0, deadLettered: 1 });
    expect(lines.filter((l) => l.level === 'warning').map((l) => l.line)).toEqual([
      expect.stringContaining('delivery 1/4 of message job-9-received failed (Error: Vonage is down (delivery 1))'),
      expect.stringContaining('delivery 2/4'),
      expect.stringContaining('delivery 3/4'),
    ]);
    expect(lines.at(-1)).toEqual({ level: 'error', line: expect.stringContaining('job-9-received dead-lettered after 4 deliveries: MaxDeliveryCountExceeded') });
    await subscription.close();
  });

  it('completes a message once a later delivery succeeds, and never runs more than maxConcurrentCalls at once', async () => {
    const queue = new LocalQueue('sms-outbound');
    let running = 0;
    let peak = 0;
    const attempts = new Map<string, number>();
    const subscription = queue.subscribe(
      async (m) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        attempts.set(m.messageId, m.deliveryCount);
        if (m.messageId === 'flaky' && m.deliveryCount < 3) throw new Error('blip');
      },
      { maxConcurrentCalls: 2 },
    );
    queue.send([{ messageId: 'flaky', body: sms(1) }, ...Array.from({ length: 6 }, (_, i) => ({ messageId: `m${i}`, body: sms(i + 2) }))]);
    await eventually(() => expect(queue.pending()).toEqual([]));
    expect(attempts.get('flaky')).toBe(3);
    expect(queue.deadLetters).toEqual([]);
    expect(peak).toBe(2);
    await subscription.close();
  });

  it('takes messages through the app port with the Service Bus adapter mapping', () => {
    const queue = new LocalQueue('sms-outbound');

    const port = localNotificationQueue(queue);
    const at = new Date(Date.now() + 60_000);
    return port
      .enqueue([
        { messageId: 'job-5-received', body: sms(5) },
        { messageId: 'job-5-received-attempt-2', body: sms(5), scheduledAt: at },
        { messageId: 'job-5-received', body: sms(5) },
      ])
      .then(() => {
        expect(queue.duplicatesDropped).toBe(1);
        const [first, scheduled] = queue.pending();
        expect(first).toMatchObject({ messageId: 'job-5-received', contentType: 'application/json', subject: 'sms.job-received', state: 'active' });
        expect(JSON.parse(first!.body as string)).toEqual(sms(5));
        expect(scheduled).toMatchObject({ messageId: 'job-5-received-attempt-2', state: 'scheduled' });
        expect(scheduled!.enqueuedTimeUtc.getTime()).toBe(at.getTime());
      });
  });
});
