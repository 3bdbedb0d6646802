import { problemsByOutcome } from '../http/http.js';

/** How the channels area's refusals answer over HTTP. */
export const channelProblem = problemsByOutcome({ exists: 409, 'cannot-carry': 422, 'not-found': 404 });
