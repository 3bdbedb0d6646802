import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Relay } from '../../src/compositionRoot.js';
import { averageScore } from '../../src/domain/feedback/feedbackReports.js';
import { provideRelay } from '../../src/processRelay.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { staffHeaders } from '../support/staffHeaders.js';
import '../../src/functions/feedback/staffFeedback.js';

const summary = (query: Record<string, string>) => callHttpFunction('staffFeedbackSummary', 'GET', { query, headers: staffHeaders() });
const lowScores = (query: Record<string, string> = {}) => callHttpFunction('staffLowScores', 'GET', { query, headers: staffHeaders() });

describe('average score', () => {
  it.each([
    [13, 3, '4.33'],
    [14, 3, '4.67'],
    [5, 2, '2.50'],
    [1, 8, '0.13'],
    [9, 2, '4.50'],
    [0, 0, null],
  ])('%i over %i replies is %s', (sum, count, average) => {
    expect(averageScore(sum, count)).toBe(average);
  });
});

/** The console's feedback routes over the real stack, in a shop in Kolkata (UTC+05:30: its days start at 18:30 UTC). */
describe('staff feedback routes', () => {
  let stack: RealStack;
  let relay: Relay;

  beforeAll(async () => {
    stack = await startRealStack({ WEBSITE_AUTH_ENABLED: 'True', BUSINESS_TIMEZONE: 'Asia/Kolkata' });
    ({ relay } = stack);
    const replies: Array<[string, number, number | null, string]> = [
      ['m1', 501, 5, '2026-06-14T18:29:59.000Z'], // 14 June 23:59:59 in Kolkata
      ['m2', 502, 4, '2026-06-14T18:30:00.000Z'], // 15 June 00:00
      ['m3', 503, 1, '2026-06-15T03:00:00.000Z'],
      ['m4', 504, 5, '2026-06-15T18:29:00.000Z'],
      ['m5', 505, 2, '2026-06-15T18:30:00.000Z'], // 16 June
      ['m6', 506, null, '2026-06-15T19:00:00.000Z'], // stored before scores were required: not averaged
      ['m7', 507, 3, '2026-06-16T08:00:00.000Z'],
    ];
    for (const [id, jobId, score, at] of replies) {
      await stack.ledger.pool.query('INSERT INTO feedback (inbound_message_id, Job_id, customer_id, score, reply_text, received_at) VALUES (?, ?, ?, ?, ?, ?)', [id, jobId, 7, score, `reply ${id}`, new Date(at)]);
    }
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('averages scores per day of the shop as decimal strings, with the count', async () => {
    const response = await summary({ from: '2026-06-14', to: '2026-06-16', bucket: 'day' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      bucket: 'day',
      timeZone: 'Asia/Kolkata',
      points: [
        { start: '2026-06-13T18:30:00.000Z', count: 1, average: '5.00' },
        { start: '2026-06-14T18:30:00.000Z', count: 3, average: '3.33' },
        { start: '2026-06-15T18:30:00.000Z', count: 2, average: '2.50' },
      ],
      total: { count: 6, average: '3.33' },
    });
    const hours = await summary({ from: '2026-06-15', to: '2026-06-15', bucket: 'hour' });
    expect((hours.body.points as unknown[]).length).toBe(24);
    expect((hours.body.points as Array<{ count: number }>).filter((p) => p.count > 0)).toEqual([
      { start: '2026-06-14T18:30:00.000Z', count: 1, average: '4.00' },
      { start: '2026-06-15T02:30:00.000Z', count: 1, average: '1.00' },
      { start: '2026-06-15T17:30:00.000Z', count: 1, average: '5.00' },
    ]);
    expect((await summary({ from: '2026-06-16', to: '2026-06-14', bucket: 'day' })).status).toBe(400);
    expect((await summary({ from: '2026-06-14', to: '2026-06-16' })).status).toBe(400);
  });

  it('lists scores of 2 or less for a call-back, newest first with their jobs, a page at a time', async () => {
    const first = await lowScores({ limit: '1' });
    expect(first).toMatchObject({ status: 200, body: { replies: [{ jobId: 505, score: 2, text: 'reply m5', receivedAt: '2026-06-15T18:30:00.000Z', callBack: true }] } });
    const second = await lowScores({ limit: '1', cursor: String(first.body.nextCursor) });
    expect(second.body).toMatchObject({ replies: [{ jobId: 503, score: 1 }], nextCursor: null });
    expect((await lowScores({ cursor: 'bm9wZQ' })).status).toBe(400);
    expect((await callHttpFunction('staffLowScores', 'GET', {})).status).toBe(401);
  });
});
