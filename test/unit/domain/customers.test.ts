import { describe, expect, it } from 'vitest';
import { applyInput, customerNameFromJob, destination, type CustomerInput, type CustomerState } from '../../../src/domain/customers/customer.js';
import { maskEmail } from '../../../src/domain/shared/email.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { FakeCustomers } from '../../contracts/customers/customers.fake.js';
import { createWorld } from '../../support/world.js';

const base: CustomerInput = { name: 'Amira Khan' };

describe('customer rules', () => {
  const refused: Array<[string, CustomerInput, RegExp]> = [
    ['no name', { mobile: '07770 123456' }, /name is required/],
    ['a blank name', { name: '   ' }, /name must not be empty/],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, /at most 200/],
    ['an empty mobile', { ...base, mobile: '' }, /mobile must be/],
    ['a mobile that is no number', { ...base, mobile: 'call me' }, /mobile: .*not a valid phone number/],
    ['a landline', { ...base, mobile: '020 7946 0018' }, /not a mobile/],
    ['an invalid email', { ...base, email: 'amira@' }, /email must be an email address/],
    ['an unknown time zone', { ...base, timezone: 'Europe/Atlantis' }, /IANA time zone/],
    ['an offset for a time zone', { ...base, timezone: '+01:00' }, /IANA time zone/],
    ['no contact ranges', { ...base, contactHours: [] }, /at least one range/],
    ['a range without days', { ...base, contactHours: [{ days: [], from: '09:00', to: '17:00' }] }, /at least one day/],
    ['an unknown day', { ...base, contactHours: [{ days: ['Monday'], from: '09:00', to: '17:00' }] }, /"Monday" is not a day/],
    ['a day twice', { ...base, contactHours: [{ days: ['Mon', 'Mon'], from: '09:00', to: '17:00' }] }, /names a day twice/],
    ['an hour 25', { ...base, contactHours: [{ days: ['Mon'], from: '09:00', to: '25:00' }] }, /to must be a time HH:MM/],
    ['a time without leading zero', { ...base, contactHours: [{ days: ['Mon'], from: '9:00', to: '17:00' }] }, /from must be a time/],
    ['24:30', { ...base, contactHours: [{ days: ['Mon'], from: '09:00', to: '24:30' }] }, /to must be a time/],
    ['from 24:00', { ...base, contactHours: [{ days: ['Mon'], from: '24:00', to: '08:00' }] }, /before 24:00/],
    ['from equal to to', { ...base, contactHours: [{ days: ['Mon'], from: '09:00', to: '09:00' }] }, /two different times/],
    ['an unknown channel', { ...base, mobile: '07770 123456', subscriptions: [{ channel: 'fax' }] }, /"fax" is not a channel/],
    ['a channel twice', { ...base, mobile: '07770 123456', subscriptions: [{ channel: 'sms' }, { channel: 'sms' }] }, /listed twice/],
    ['an address on sms', { ...base, mobile: '07770 123456', subscriptions: [{ channel: 'sms', address: 'a@example.com' }] }, /for email only/],
    ['sms without a mobile', { ...base, subscriptions: [{ channel: 'sms' }] }, /no-address: a sms subscription needs a mobile/],
    ['whatsapp without a mobile', { ...base, subscriptions: [{ channel: 'whatsapp' }] }, /no-address: a whatsapp/],
    ['email with neither address', { ...base, subscriptions: [{ channel: 'email' }] }, /no-address: an email subscription/],
    ['email with a bad address', { ...base, subscriptions: [{ channel: 'email', address: 'nope' }] }, /subscriptions.0.address must be an email/],
  ];
  it.each(refused)('refuses %s', (_, input, detail) => {
    const checked = applyInput(undefined, input);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.detail).toMatch(detail);
  });

  const accepted: Array<[string, CustomerInput, Partial<CustomerState>]> = [
    ['a name only: no subscriptions (nothing to text)', { name: '  Amira  ' }, { name: 'Amira', mobile: null, subscriptions: [] }],
    ['a mobile: normalised to E.164 and subscribed to sms', { ...base, mobile: '07770 123456' }, { mobile: '+447770123456', subscriptions: [{ channel: 'sms', address: null }] }],
    ['explicit subscriptions replace the sms default, in channel order', { ...base, mobile: '+44 7770 123456', email: 'a@example.com', subscriptions: [{ channel: 'email' }, { channel: 'whatsapp' }] }, { subscriptions: [{ channel: 'whatsapp', address: null }, { channel: 'email', address: null }] }],
    ['an email subscription with its own address', { ...base, subscriptions: [{ channel: 'email', address: 'work@example.com' }] }, { subscriptions: [{ channel: 'email', address: 'work@example.com' }] }],
    ['an overnight range and a whole day', { ...base, contactHours: [{ days: ['Fri'], from: '22:00', to: '06:00' }, { days: ['Sun'], from: '00:00', to: '24:00' }] }, { contactHours: [{ days: ['Fri'], from: '22:00', to: '06:00' }, { days: ['Sun'], from: '00:00', to: '24:00' }] }],
    ['a time zone', { ...base, timezone: 'Asia/Kolkata' }, { timezone: 'Asia/Kolkata' }],
  ];
  it.each(accepted)('accepts %s', (_, input, expected) => {
    const checked = applyInput(undefined, input);
    expect(checked).toMatchObject({ ok: true, value: expected });
  });

  it('a change keeps absent fields, clears null ones, and refuses to strand a subscription', () => {
    const current: CustomerState = {
      name: 'Amira',
      mobile: '+447770123456',
      email: 'a@example.com',
      timezone: 'Europe/Paris',
      contactHours: null,
      subscriptions: [{ channel: 'sms', address: null }],
    };
    expect(applyInput(current, { timezone: null, email: null })).toEqual({ ok: true, value: { ...current, timezone: null, email: null } });
    expect(applyInput(current, { mobile: null })).toMatchObject({ ok: false, detail: expect.stringMatching(/no-address: a sms/) });
    expect(applyInput(current, { mobile: null, subscriptions: [] })).toMatchObject({ ok: true, value: { mobile: null, subscriptions: [] } });
    // A changed customer is not subscribed to sms by default: only a new one is.
    expect(applyInput({ ...current, mobile: null, subscriptions: [] }, { mobile: '07770 123456' })).toMatchObject({ ok: true, value: { subscriptions: [] } });
  });

  it('sends email to its own address or the customer email, sms and whatsapp to the mobile', () => {
    const customer = { name: 'A', mobile: '+447770123456', email: 'a@example.com', timezone: null, contactHours: null };
    expect(destination(customer, { channel: 'email', address: null })).toBe('a@example.com');
    expect(destination(customer, { channel: 'email', address: 'w@example.com' })).toBe('w@example.com');
    expect(destination(customer, { channel: 'whatsapp', address: null })).toBe('+447770123456');
    expect(destination({ ...customer, mobile: null }, { channel: 'sms', address: null })).toBeUndefined();
  });

  it('names a customer after the job, or after the job id when it has no names', () => {
    expect(customerNameFromJob(clientJob(1, { firstName: ' Joe ', lastName: 'Bloggs' }))).toBe('Joe Bloggs');
    expect(customerNameFromJob(clientJob(1, { firstName: null, lastName: 'Bloggs' }))).toBe('Bloggs');
    expect(customerNameFromJob(clientJob(7, { firstName: '', lastName: null }))).toBe('Customer of job 7');
    expect(customerNameFromJob(clientJob(8, { firstName: 'Joe\r\n', lastName: 'Blo\u0000ggs\u202E' }))).toBe('Joe Blo ggs');
  });

  it('masks email addresses', () => {
    expect(maskEmail('amira.khan@example.co.uk')).toBe('a***@e***.uk');
    expect(maskEmail('nonsense')).toBe('***');
    expect(maskEmail(null)).toBe('***');
  });
});

describe('ingestion finds or creates customers', () => {
  it('creates one customer per mobile, links every job and puts customer_id on the documents', async () => {
    const world = createWorld([
      clientJob(1, { mobile: '07770 123456' }),
      clientJob(2, { mobile: '+44 7770 123456', firstName: 'Other' }),
      clientJob(3, { mobile: null }),
      clientJob(4, { mobile: '07770 654321', firstName: 'Priya', lastName: 'Shah' }),
    ]);
    await world.poll();
    expect(world.customers.rows.size).toBe(2);
    const joe = await world.customers.findByMobile('+447770123456');
    expect(joe).toMatchObject({ name: 'Joe Bloggs', subscriptions: [{ channel: 'sms', address: null }] });
    expect((await world.customers.get(joe!.customerId))?.jobIds).toEqual([1, 2]);
    expect(world.documents.docs.get('1')?.customer_id).toBe(joe!.customerId);
    expect(world.documents.docs.get('2')?.customer_id).toBe(joe!.customerId);
    expect(world.documents.docs.get('3')?.customer_id).toBeNull();
    expect(world.documents.docs.get('4')?.customer_id).toBe((await world.customers.findByMobile('+447770654321'))?.customerId);
  });

  it('finds the customer of an earlier job in a later poll and keeps what staff set', async () => {
    const world = createWorld([clientJob(1)]);
    await world.poll();
    const [customer] = world.customers.rows.values();
    customer!.name = 'Joseph Bloggs';
    customer!.subscriptions = [];
    world.clientJobs.add(clientJob(2, { firstName: 'Someone' }));
    await world.poll();
    expect(world.customers.rows.size).toBe(1);
    expect(await world.customers.get(customer!.customerId)).toMatchObject({ name: 'Joseph Bloggs', subscriptions: [], jobIds: [1, 2] });
  });

  it.each(['findOrCreateByMobiles', 'linkJobs'] as const)('repairs a crash right after %s: no second customer, every job linked', async (method) => {
    const world = createWorld([clientJob(1), clientJob(2)]);
    await expect(world.poll({ customers: crashAfter(world.customers, method) })).rejects.toSatisfy(isInjectedCrash);
    await world.poll();
    expect(world.customers.rows.size).toBe(1);
    const [customer] = world.customers.rows.values();
    expect((await world.customers.get(customer!.customerId))?.jobIds).toEqual([1, 2]);
    expect(world.documents.docs.get('1')?.customer_id).toBe(customer!.customerId);
  });

  it('asks the customers port once per batch, whatever the number of jobs', async () => {
    const world = createWorld(Array.from({ length: 250 }, (_, i) => clientJob(i + 1, { mobile: `07770 ${String(100000 + (i % 40))}` })), { batchSize: 100 });
    let calls = 0;
    const counting = new Proxy(world.customers, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as FakeCustomers;
    await world.poll({ customers: counting });
    expect(world.customers.rows.size).toBe(40);
    // Per batch: find or create, link the jobs, then the courtesy notifications read the customers' profiles (their ids are known).
    expect(calls).toBe(3 * 3);
  });
});
