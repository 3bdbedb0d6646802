import { describe, expect, it } from 'vitest';
import { problemsByOutcome } from '../../../src/functions/http/http.js';
import { jobProblem, unknownJob } from '../../../src/functions/jobs/jobProblems.js';
import { customerProblem, unknownCustomer } from '../../../src/functions/customers/customerProblems.js';

describe('an area\'s table of refusals', () => {
  it('answers each outcome with its status as problem+json, with the detail and extensions given', () => {
    const answer = problemsByOutcome({ 'unknown-thing': 404, taken: 409 });
    expect(answer('taken', 'thing 3 is taken', { ownerId: 7 })).toEqual({
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'thing 3 is taken', ownerId: 7 }),
    });
  });

  it('words the unknown job and customer once for every handler that answers them', () => {
    expect(jobProblem('unknown-job', unknownJob(12))).toMatchObject({ status: 404, body: expect.stringContaining('"detail":"job 12 is not known to Repair Relay"') });
    expect(customerProblem('not-found', unknownCustomer(5))).toMatchObject({ status: 404, body: expect.stringContaining('"detail":"customer 5 is not known to Repair Relay"') });
  });
});
