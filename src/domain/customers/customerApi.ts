import type { Clock } from '../shared/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { checkContactHoursMeetBusiness, nextSendTime } from '../windows/contactWindow.js';
import { applyInput, type Customer, type CustomerInput, type CustomerState, type SubscriptionInput } from './customer.js';
import type { Customers, CustomerWriteOutcome } from './ports.js';
import { refuse, type Result, type Value } from '../shared/result.js';

/*
 * The staff API on customers (POST, GET, PATCH /api/customers..., PUT .../subscriptions). Every
 * input is checked in full before anything is written, and a customer's row and subscriptions
 * change in one transaction, so a refused request writes nothing.
 */

export interface CustomerApiDeps {
  customers: Pick<Customers, 'create' | 'get' | 'change'>;
  /** Contact hours that never meet the business's hours are refused (DESIGN.md, Customers). */
  calendar: BusinessCalendar;
  clock: Clock;
}

export type CustomerApiResult =
  | { outcome: 'saved'; customer: Customer }
  | { outcome: 'invalid'; detail: string }
  | { outcome: 'mobile-taken'; customerId: number; detail: string }
  | { outcome: 'not-found' };

function answer(written: CustomerWriteOutcome): CustomerApiResult {
  switch (written.outcome) {
    case 'saved':
      return written;
    case 'refused':
      return { outcome: 'invalid', detail: written.detail };
    case 'mobile-taken':
      return {
        outcome: 'mobile-taken',
        customerId: written.ownerId,
        detail: `the mobile number belongs to customer ${written.ownerId}; nothing changed`,
      };
    case 'not-found':
      return written;
  }
}

/** The request applied to the customer, refused when its contact hours can never meet the business's. */
function decide(deps: CustomerApiDeps, current: CustomerState | undefined, input: CustomerInput): Result<Value<CustomerState>> {
  const checked = applyInput(current, input);
  if (!checked.ok) return checked;
  const meets = checkContactHoursMeetBusiness(deps.calendar, checked.value, deps.clock.now());
  return meets.ok ? checked : refuse(meets.detail);
}

export async function createCustomer(deps: CustomerApiDeps, input: CustomerInput): Promise<CustomerApiResult> {
  const checked = decide(deps, undefined, input);
  if (!checked.ok) return { outcome: 'invalid', detail: checked.detail };
  return answer(await deps.customers.create(checked.value, deps.clock.now()));
}

export async function getCustomer(deps: CustomerApiDeps, customerId: number): Promise<Customer | undefined> {
  return deps.customers.get(customerId);
}

/**
 * Changes the fields given (null clears an optional one), checked against the stored customer
 * inside the transaction that writes them: clearing the mobile of a customer subscribed to sms is
 * refused whatever another request changed meanwhile.
 */
export async function updateCustomer(deps: CustomerApiDeps, customerId: number, input: CustomerInput): Promise<CustomerApiResult> {
  return answer(await deps.customers.change(customerId, (current) => decide(deps, current, input), deps.clock.now()));
}

/** Replaces the customer's subscriptions; `[]` unsubscribes from everything. */
export async function replaceSubscriptions(deps: CustomerApiDeps, customerId: number, subscriptions: readonly SubscriptionInput[]): Promise<CustomerApiResult> {
  return updateCustomer(deps, customerId, { subscriptions });
}

export type NextSendTimeResult =
  | { outcome: 'found'; at: Date; sendAt: Date; immediate: boolean }
  | { outcome: 'never'; detail: string }
  | { outcome: 'not-found' };

/** When a message to the customer due at `at` would go out (GET /api/customers/{id}/next-send-time): reads only, writes nothing. */
export async function customerNextSendTime(deps: Pick<CustomerApiDeps, 'customers' | 'calendar'>, customerId: number, at: Date): Promise<NextSendTimeResult> {
  const customer = await deps.customers.get(customerId);
  if (!customer) return { outcome: 'not-found' };
  const window = nextSendTime(deps.calendar, customer, at);
  return window.ok ? { outcome: 'found', at, sendAt: window.sendAt, immediate: window.immediate } : { outcome: 'never', detail: window.detail };
}
