import { InvocationContext } from '@azure/functions';
import { insertClientJobs } from '../kit/mysql.js';
import type { RealStack } from './realStack.js';
import { registrations } from '../../dev/functionsCore.js';
import '../../src/functions/notifications/sendNotification.js';

/** Jobs walked through the real stack: ingested by a poll, texted, then moved by the client. */
export function stackJobs(stack: Pick<RealStack, 'client' | 'queue' | 'relay'>, firstJobId = 1) {
  let nextJobId = firstJobId;

  /** Delivers every due queue message once, through the registered sendNotification function. */
  async function deliverDue(): Promise<void> {
    for (const message of stack.queue.drain(new Date())) {
      await registrations.get('sendNotification')!.handler(message.body, new InvocationContext({ functionName: 'sendNotification' }));
    }
  }

  /** A job ingested, texted and moved by the client to `status`. */
  async function jobIn(status: string, mobile?: string | null): Promise<number> {
    const id = nextJobId++;
    await insertClientJobs(stack.client.pool, [{ id, ...(mobile === undefined ? {} : { mobile }) }]);
    await stack.relay.pollClientJobs();
    await deliverDue();
    if (status !== 'OPENED') await stack.client.pool.query('UPDATE Jobs SET Job_status = ? WHERE Job_id = ?', [status, id]);
    await stack.relay.pollClientJobs();
    return id;
  }

  return { deliverDue, jobIn };
}
