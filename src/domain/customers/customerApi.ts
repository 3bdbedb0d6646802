import { applyInput, type Customer, type CustomerInput, type SubscriptionInput } from './customer.js';
import type { Customers, CustomerWriteOutcome } from './ports.js';

/*
 * The staff API on customers (POST, GET, PATCH /api/customers..., PUT .../subscriptions). Every
 * input is checked in full before anything is written, and a customer's row and subscriptions
 * change in one transaction, so a refused request writes nothing.
 */

export interface CustomerApiDeps {
  customers: Pick<Customers, 'create' | 'get' | 'change'>;
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

export async function createCustomer(deps: CustomerApiDeps, input: CustomerInput): Promise<CustomerApiResult> {
  const checked = applyInput(undefined, input);
  if (!checked.ok) return { outcome: 'invalid', detail: checked.detail };
  return answer(await deps.customers.create(checked.value));
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
  return answer(await deps.customers.change(customerId, (current) => applyInput(current, input)));
}

/** Replaces the customer's subscriptions; `[]` unsubscribes from everything. */
export async function replaceSubscriptions(deps: CustomerApiDeps, customerId: number, subscriptions: readonly SubscriptionInput[]): Promise<CustomerApiResult> {
  return updateCustomer(deps, customerId, { subscriptions });
}
