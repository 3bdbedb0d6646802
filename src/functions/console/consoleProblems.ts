import { problemsByOutcome } from '../http/http.js';

/** How the console's refusals answer over HTTP. */
export const consoleProblem = problemsByOutcome({ 'not-found': 404, conflict: 409, unreachable: 422 });
