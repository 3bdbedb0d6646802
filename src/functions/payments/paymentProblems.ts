import { problemsByOutcome } from '../http/http.js';

/** How the payments area's refusals answer over HTTP. */
export const paymentProblem = problemsByOutcome({ disabled: 503, unsigned: 401, 'unknown-job': 404 });
