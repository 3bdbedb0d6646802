import { problemsByOutcome } from '../http/http.js';

/** How the customers area's refusals answer over HTTP. */
export const customerProblem = problemsByOutcome({ invalid: 422, never: 422, 'mobile-taken': 409, 'not-found': 404 });

/** The 404 detail for a customer id Repair Relay does not know. */
export const unknownCustomer = (customerId: number | undefined) => `customer ${customerId} is not known to Repair Relay`;
