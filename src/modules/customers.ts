import type { CustomerInput, SubscriptionInput } from '../domain/customers/customer.js';
import { createCustomer, customerNextSendTime, getCustomer, replaceSubscriptions, updateCustomer } from '../domain/customers/customerApi.js';
import type { JobStores } from './jobStores.js';

/** Customers: their records, subscriptions and contact hours. */
export function customersModule(stores: Pick<JobStores, 'customers' | 'calendar' | 'clock'>) {
  return {
    createCustomer: (input: CustomerInput) => createCustomer(stores, input),
    getCustomer: (customerId: number) => getCustomer(stores, customerId),
    updateCustomer: (customerId: number, input: CustomerInput) => updateCustomer(stores, customerId, input),
    replaceSubscriptions: (customerId: number, subscriptions: readonly SubscriptionInput[]) => replaceSubscriptions(stores, customerId, subscriptions),
    customerNextSendTime: (customerId: number, at: Date) => customerNextSendTime(stores, customerId, at),
  };
}
