import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { businessCalendar } from '../config.js';
import type { CustomerInput, SubscriptionInput } from '../domain/customers/customer.js';
import { createCustomer, customerNextSendTime, getCustomer, replaceSubscriptions, updateCustomer } from '../domain/customers/customerApi.js';
import type { Infrastructure } from '../infrastructure.js';

/** Customers: their records, subscriptions and contact hours. */
export function customersModule(infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'clock'>) {
  const deps = { customers: new MysqlCustomers(infra.ledgerPool), calendar: businessCalendar(infra.config), clock: infra.clock };
  return {
    createCustomer: (input: CustomerInput) => createCustomer(deps, input),
    getCustomer: (customerId: number) => getCustomer(deps, customerId),
    updateCustomer: (customerId: number, input: CustomerInput) => updateCustomer(deps, customerId, input),
    replaceSubscriptions: (customerId: number, subscriptions: readonly SubscriptionInput[]) => replaceSubscriptions(deps, customerId, subscriptions),
    customerNextSendTime: (customerId: number, at: Date) => customerNextSendTime(deps, customerId, at),
  };
}
