import { problemsByOutcome } from '../http/http.js';

/** How the statistics area's refusals answer over HTTP. */
export const statsProblem = problemsByOutcome({ conflict: 409 });
