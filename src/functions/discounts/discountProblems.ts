import { problemsByOutcome } from '../http/http.js';

/** How the discount-code area's refusals answer over HTTP. */
export const discountProblem = problemsByOutcome({
  'key-reused': 422,
  'none-left': 409,
  'unknown-brand': 404,
  'unknown-customer': 404,
  'already-redeemed': 409,
  'not-claimed': 409,
  expired: 422,
  'invalid-terms': 422,
  'unknown-code': 404,
});
