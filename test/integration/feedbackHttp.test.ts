import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { deliverDue as deliverDueOn, inboundSms as reply } from '../support/feedbackFlow.js';
import { callHttpFunction } from '../support/http.js';
import { insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/feedback/listFeedback.js';
import '../../src/functions/feedback/vonageInboundSms.js';
import '../../src/functions/inbox/listInbox.js';
import '../../src/functions/notifications/sendNotification.js';

/** Issue 21 item 5 through the function files: MariaDB, the embedded Cosmos server and the Vonage sandbox. */
describe('feedback replies and GET /api/feedback against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;

  const deliverDue = () => deliverDueOn(stack);
  const feedback = (query: Record<string, string> = {}) => callHttpFunction('listFeedback', 'GET', { query });

  /** Closes client jobs through the relay, so each gets its feedback SMS; answers the number each was sent to. */
  async function closedJobs(ids: number[]): Promise<Map<number, string>> {
    await insertClientJobs(stack.client.pool, ids.map((id) => ({ id, mobile: `+4477701234${String(id).padStart(2, '0')}` })));
    await relay.pollClientJobs();
    await deliverDue();
    await stack.client.pool.query(`UPDATE Jobs SET Job_status = 'JOB COMPLETED' WHERE Job_id IN (${ids.join(',')})`);
    await relay.pollClientJobs();
    for (const id of ids) expect(await relay.closeJob(id)).toEqual({ outcome: 'started' });
    await deliverDue();
    return new Map(ids.map((id) => [id, stack.sandbox.sent.find((s) => s.clientRef === `job-${id}-closed`)!.to]));
  }

  beforeAll(async () => {
    stack = await startRealStack();
    ({ relay } = stack);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('files a question as an inbox message about the job, a score as feedback, and lists feedback newest first a page at a time', async () => {
    const to = await closedJobs([1, 2, 3]);
    const customerOf = async (jobId: number) => {
      const [[row]] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT customer_id FROM customer_jobs WHERE Job_id = ?', [jobId]);
      return Number(row!.customer_id);
    };

    expect(await reply(to.get(1)!, 'in-question', 'When will my washer be ready?')).toMatchObject({ status: 200, body: { status: 'kept' } });
    const [[feedbackRows]] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM feedback');
    expect(Number(feedbackRows!.n)).toBe(0);
    const inbox = await callHttpFunction('listInbox', 'GET', { query: { status: 'pending' } });
    expect(inbox.body.messages).toEqual([expect.objectContaining({ messageId: 'in-question', jobId: 1, customerId: await customerOf(1), text: 'When will my washer be ready?' })]);

    expect(await reply(to.get(1)!, 'in-score-1', '5 stars, thank you')).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await reply(to.get(2)!, 'in-score-2', 'four')).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await reply(to.get(3)!, 'in-score-3', '2 - slow')).toMatchObject({ status: 200, body: { status: 'recorded' } });

    const first = await feedback({ limit: '2' });
    expect(first).toMatchObject({ status: 200, contentType: expect.stringContaining('json') });
    const page = first.body.feedback as Array<Record<string, unknown>>;
    expect(page).toEqual([
      { feedbackId: expect.any(Number), messageId: 'in-score-3', jobId: 3, customerId: await customerOf(3), score: 2, text: '2 - slow', receivedAt: expect.any(String) },
      { feedbackId: expect.any(Number), messageId: 'in-score-2', jobId: 2, customerId: await customerOf(2), score: 4, text: 'four', receivedAt: expect.any(String) },
    ]);
    expect(first.body.nextBefore).toBe(page[1]!.feedbackId);
    const second = await feedback({ limit: '2', before: String(first.body.nextBefore) });
    expect(second.body).toEqual({
      feedback: [expect.objectContaining({ messageId: 'in-score-1', jobId: 1, score: 5, text: '5 stars, thank you' })],
      nextBefore: null,
    });
  });

  it.each([
    [{ limit: '0' }, /limit must be a whole number from 1 to 200/],
    [{ limit: '201' }, /limit/],
    [{ limit: 'ten' }, /limit/],
    [{ before: '0' }, /before must be a feedbackId/],
    [{ before: '1.5' }, /before/],
    [{ before: '9007199254740992' }, /before/],
    [{ jobId: '1' }, /jobId/],
  ])('refuses the query %j with a 400 problem', async (query, detail) => {
    const answer = await feedback(query);
    expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expect(String(answer.body.detail)).toMatch(detail);
  });
});
