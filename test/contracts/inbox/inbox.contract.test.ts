import { expect, it } from 'vitest';
import { MysqlInbox } from '../../../src/adapters/mysql/inbox.js';
import type { Inbox, InboxMessage } from '../../../src/domain/inbox/ports.js';
import { FakeInbox } from './inbox.fake.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';

const ledgerDb = databasePerFile(createLedgerDatabase);

describeContract<Inbox>(
  'Inbox',
  [fakeImplementation(() => new FakeInbox()), mysqlImplementation(ledgerDb, ['inbox_messages'], (pool) => new MysqlInbox(pool))],
  (subject) => {
    const message = (messageId: string, minute: number, overrides: Partial<InboxMessage> = {}): Omit<InboxMessage, 'status' | 'handledAt'> => ({
      messageId,
      channel: 'sms',
      from: '+447770123456',
      customerId: 7,
      jobId: null,
      text: 'Is my phone ready? 📱',
      receivedAt: new Date(Date.UTC(2026, 10, 28, 22, minute, 0, 250)),
      autoReplyKey: 'auto-reply-2026-11-30T09:00:00.000Z-customer-7',
      ...overrides,
    });

    it('keeps a message once: a repeat returns the first one, pending', async () => {
      const inbox = subject();
      const first = message('in-1', 0);
      expect(await inbox.keep(first)).toEqual({ ...first, status: 'pending', handledAt: null });
      expect(await inbox.keep({ ...first, text: 'other', receivedAt: new Date(), autoReplyKey: null })).toEqual({ ...first, status: 'pending', handledAt: null });
      expect(await inbox.keep(message('in-2', 1, { channel: 'whatsapp', customerId: null, from: 'VONAGE', autoReplyKey: null }))).toMatchObject({ channel: 'whatsapp', customerId: null, from: 'VONAGE', autoReplyKey: null });
      expect(await inbox.keep(message('in-3', 2, { jobId: 41 }))).toMatchObject({ messageId: 'in-3', jobId: 41 });
    });

    it('lists pending oldest first and handled newest first, at most limit', async () => {
      const inbox = subject();
      for (const [id, minute] of [['c', 2], ['a', 0], ['b', 1], ['d', 3]] as const) await inbox.keep(message(id, minute));
      await inbox.setStatus('b', 'handled', new Date('2026-11-30T09:00:00.000Z'));
      await inbox.setStatus('d', 'handled', new Date('2026-11-30T09:01:00.000Z'));
      expect((await inbox.list('pending', 10)).map((m) => m.messageId)).toEqual(['a', 'c']);
      expect((await inbox.list('pending', 1)).map((m) => m.messageId)).toEqual(['a']);
      expect((await inbox.list('handled', 10)).map((m) => m.messageId)).toEqual(['d', 'b']);
    });

    it('setStatus keeps the first handled time, clears it when pending again, and knows no unknown id', async () => {
      const inbox = subject();
      await inbox.keep(message('in-1', 0));
      const first = new Date('2026-11-30T09:00:00.000Z');
      expect(await inbox.setStatus('in-1', 'handled', first)).toMatchObject({ status: 'handled', handledAt: first });
      expect(await inbox.setStatus('in-1', 'handled', new Date('2026-11-30T10:00:00.000Z'))).toMatchObject({ status: 'handled', handledAt: first });
      expect(await inbox.setStatus('in-1', 'pending', first)).toMatchObject({ status: 'pending', handledAt: null });
      expect(await inbox.setStatus('missing', 'handled', first)).toBeUndefined();
    });
  },
);
