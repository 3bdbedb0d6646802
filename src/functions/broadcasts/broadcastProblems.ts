import { problemsByOutcome } from '../http/http.js';

/** How the broadcasts area's refusals answer over HTTP. */
export const broadcastProblem = problemsByOutcome({ 'unknown-customers': 422, conflict: 409 });
