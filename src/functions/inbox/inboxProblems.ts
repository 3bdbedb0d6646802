import { problemsByOutcome } from '../http/http.js';

/** How the inbox area's refusals answer over HTTP. */
export const inboxProblem = problemsByOutcome({ 'not-found': 404 });
