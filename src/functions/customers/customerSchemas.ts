import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { Customer } from '../../domain/customers/customer.js';
import type { CustomerApiResult } from '../../domain/customers/customerApi.js';
import { json, refuseWith, type HttpResult } from '../http/http.js';
import { okValue } from '../../domain/shared/result.js';
import { customerProblem, unknownCustomer } from './customerProblems.js';

/*
 * The edge checks the shape of customer requests (types, known members: 400); what the values mean
 * (a mobile, an email, a time zone, a channel, an address to send to) is checked by the domain (422).
 */

const subscriptionSchema = z.object({ channel: z.string(), address: z.string().nullable().optional() }).strict();
const contactRangeSchema = z.object({ days: z.array(z.string()), from: z.string(), to: z.string() }).strict();

const optionalFields = {
  mobile: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  timezone: z.string().nullable().optional(),
  contactHours: z.array(contactRangeSchema).nullable().optional(),
  subscriptions: z.array(subscriptionSchema).optional(),
};

export const newCustomerSchema = z.object({ name: z.string(), ...optionalFields }).strict();
export const customerChangeSchema = z.object({ name: z.string().optional(), ...optionalFields }).strict();
export const subscriptionsSchema = z.object({ subscriptions: z.array(subscriptionSchema) }).strict();

export function customerIdFrom(request: HttpRequest): HttpResult<number> {
  const raw = request.params.customerId ?? '';
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) {
    return refuseWith(400, `customerId must be a positive whole number, not "${raw.slice(0, 20)}"`);
  }
  return okValue(Number(raw));
}

/** The customer as the API shows it; subscriptions in the form PUT .../subscriptions takes. */
export function customerBody(customer: Customer): Record<string, unknown> {
  return {
    customerId: customer.customerId,
    name: customer.name,
    mobile: customer.mobile,
    email: customer.email,
    timezone: customer.timezone,
    contactHours: customer.contactHours,
    subscriptions: customer.subscriptions.map((s) => (s.address === null ? { channel: s.channel } : { channel: s.channel, address: s.address })),
    jobIds: customer.jobIds,
  };
}

export function customerResponse(result: CustomerApiResult, customerId: number | undefined, savedStatus: 200 | 201): HttpResponseInit {
  switch (result.outcome) {
    case 'saved': {
      const response = json(savedStatus, customerBody(result.customer));
      return savedStatus === 201 ? { ...response, headers: { location: `/api/customers/${result.customer.customerId}` } } : response;
    }
    case 'invalid':
      return customerProblem('invalid', result.detail);
    case 'mobile-taken':
      return customerProblem('mobile-taken', result.detail, { customerId: result.customerId });
    case 'not-found':
      return customerProblem('not-found', unknownCustomer(customerId));
  }
}
