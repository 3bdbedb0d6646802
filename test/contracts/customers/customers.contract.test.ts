import { expect, it } from 'vitest';
import { MysqlCustomers } from '../../../src/adapters/mysql/customers.js';
import type { CustomerState } from '../../../src/domain/customers/customer.js';
import type { Customers } from '../../../src/domain/customers/ports.js';
import { FakeCustomers } from './customers.fake.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';

/** The write time the domain passes to these writes. */
const AT = new Date('2026-11-23T09:00:00.000Z');

const ledgerDb = databasePerFile(createLedgerDatabase);

const state = (overrides: Partial<CustomerState> = {}): CustomerState => ({
  name: 'Amira Khan',
  mobile: '+447770123456',
  email: null,
  timezone: null,
  contactHours: null,
  subscriptions: [{ channel: 'sms', address: null }],
  ...overrides,
});

describeContract<Customers>(
  'Customers',
  [
    fakeImplementation(() => new FakeCustomers()),
    mysqlImplementation(ledgerDb, ['customer_jobs', 'customer_subscriptions', 'customers'], (pool) => new MysqlCustomers(pool)),
  ],
  (subject) => {
    it('finds or creates by mobile: new customers get sms, existing ones keep their name and subscriptions, ids are stable', async () => {
      const customers = subject();
      const existing = await customers.create(state({ mobile: '+447770000001', subscriptions: [] }), AT);
      if (existing.outcome !== 'saved') throw new Error(existing.outcome);
      const ids = await customers.findOrCreateByMobiles([
        { mobile: '+447770000002', name: 'Joe Bloggs' },
        { mobile: '+447770000001', name: 'Someone Else' },
        { mobile: '+447770000003', name: 'Priya Shah' },
      ], AT);
      expect(ids.get('+447770000001')).toBe(existing.customer.customerId);
      expect(new Set(ids.values()).size).toBe(3);
      const again = await customers.findOrCreateByMobiles([{ mobile: '+447770000003', name: 'X' }, { mobile: '+447770000002', name: 'Y' }], AT);
      expect(again).toEqual(new Map([...ids].filter(([mobile]) => mobile !== '+447770000001')));

      const profiles = await customers.getMany([...ids.values(), 999_999]);
      expect(profiles.map((p) => [p.name, p.subscriptions])).toEqual([
        ['Amira Khan', []],
        ['Joe Bloggs', [{ channel: 'sms', address: null }]],
        ['Priya Shah', [{ channel: 'sms', address: null }]],
      ]);
    });

    it('concurrent batches with the same mobiles create each customer once', async () => {
      const customers = subject();
      const owners = Array.from({ length: 50 }, (_, i) => ({ mobile: `+4477700${String(i).padStart(5, '0')}`, name: `Customer ${i}` }));
      const [a, b] = await Promise.all([customers.findOrCreateByMobiles(owners, AT), customers.findOrCreateByMobiles([...owners].reverse(), AT)]);
      expect(a).toEqual(b);
      expect(new Set(a.values()).size).toBe(50);
      const profiles = await customers.getMany([...a.values()]);
      expect(profiles.every((p) => p.subscriptions.length === 1)).toBe(true);
    });

    it('links each job to one customer, first link wins; customersForJobs answers in one batch', async () => {
      const customers = subject();
      const ids = await customers.findOrCreateByMobiles([{ mobile: '+447770000001', name: 'A' }, { mobile: '+447770000002', name: 'B' }], AT);
      const [a, b] = [ids.get('+447770000001')!, ids.get('+447770000002')!];
      await customers.linkJobs([{ customerId: a, jobId: 10 }, { customerId: a, jobId: 11 }, { customerId: b, jobId: 12 }]);
      await customers.linkJobs([{ customerId: b, jobId: 10 }, { customerId: a, jobId: 11 }]);
      expect(await customers.customersForJobs([10, 11, 12, 13])).toEqual(new Map([[10, a], [11, a], [12, b]]));
      expect((await customers.get(a))?.jobIds).toEqual([10, 11]);
      expect(await customers.customersForJobs([])).toEqual(new Map());
    });

    it('creates with subscriptions, reads back every field, and refuses a mobile another customer has', async () => {
      const customers = subject();
      const full = state({
        email: 'amira@example.com',
        timezone: 'America/New_York',
        contactHours: [{ days: ['Mon', 'Tue'], from: '18:00', to: '08:00' }],
        subscriptions: [{ channel: 'sms', address: null }, { channel: 'email', address: 'work@example.com' }],
      });
      const created = await customers.create(full, AT);
      if (created.outcome !== 'saved') throw new Error(created.outcome);
      expect(await customers.get(created.customer.customerId)).toEqual({ ...full, customerId: created.customer.customerId, jobIds: [] });
      expect(await customers.create(state({ name: 'Other' }), AT)).toEqual({ outcome: 'mobile-taken', ownerId: created.customer.customerId });
      expect(await customers.findByMobile('+447770123456')).toMatchObject({ customerId: created.customer.customerId, name: 'Amira Khan' });
      expect(await customers.findByMobile('+447770999999')).toBeUndefined();
      expect(await customers.get(999_999)).toBeUndefined();
    });

    it('changes a customer as decided, refuses or reports not-found without writing, and refuses a taken mobile', async () => {
      const customers = subject();
      const one = await customers.create(state(), AT);
      const two = await customers.create(state({ mobile: '+447770654321', name: 'Two' }), AT);
      if (one.outcome !== 'saved' || two.outcome !== 'saved') throw new Error('create failed');
      const id = one.customer.customerId;

      expect(await customers.change(id, () => ({ ok: false, detail: 'no' }), AT)).toEqual({ outcome: 'refused', detail: 'no' });
      expect(await customers.change(999_999, (c) => ({ ok: true, value: c }), AT)).toEqual({ outcome: 'not-found' });
      expect(await customers.change(id, (c) => ({ ok: true, value: { ...c, mobile: '+447770654321' } }), AT)).toEqual({ outcome: 'mobile-taken', ownerId: two.customer.customerId });
      expect(await customers.get(id)).toEqual(one.customer);

      const changed = await customers.change(id, (c) => ({ ok: true, value: { ...c, name: 'Amira K', mobile: null, subscriptions: [{ channel: 'email', address: 'a@example.com' }] } }), AT);
      expect(changed).toMatchObject({ outcome: 'saved', customer: { customerId: id, name: 'Amira K', mobile: null } });
      expect(await customers.get(id)).toMatchObject({ name: 'Amira K', mobile: null, subscriptions: [{ channel: 'email', address: 'a@example.com' }] });
      // The mobile is free again.
      expect((await customers.create(state({ name: 'Three' }), AT)).outcome).toBe('saved');
    });

    it('unsubscribes one channel', async () => {
      const customers = subject();
      const created = await customers.create(state({ subscriptions: [{ channel: 'sms', address: null }, { channel: 'whatsapp', address: null }] }), AT);
      if (created.outcome !== 'saved') throw new Error(created.outcome);
      const id = created.customer.customerId;
      expect(await customers.unsubscribe(id, 'sms')).toBe(true);
      expect(await customers.unsubscribe(id, 'sms')).toBe(false);
      expect((await customers.get(id))?.subscriptions).toEqual([{ channel: 'whatsapp', address: null }]);
    });
  },
);
