import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, firstIssueMessage, issueLines } from '../../../src/domain/shared/issues.js';
import { err, ok, okValue, refuse, type Result, type Value } from '../../../src/domain/shared/result.js';

describe('Result', () => {
  it('is ok with the fields it names, or not ok with why', () => {
    expect(ok()).toEqual({ ok: true });
    expect(ok({ e164: '+447770123456' })).toEqual({ ok: true, e164: '+447770123456' });
    expect(okValue(3)).toEqual({ ok: true, value: 3 });
    expect(refuse('too big')).toEqual({ ok: false, detail: 'too big' });
    expect(err({ reason: 'no number' })).toEqual({ ok: false, reason: 'no number' });
  });

  it('narrows on ok, so a caller reads the value or the detail without a cast', () => {
    const half = (n: number): Result<Value<number>> => (n % 2 === 0 ? okValue(n / 2) : refuse(`${n} is odd`));
    const read = (result: Result<Value<number>>) => (result.ok ? result.value : result.detail);
    expect([4, 3].map((n) => read(half(n)))).toEqual([2, '3 is odd']);
  });
});

describe('zod issue formatter', () => {
  const schema = z.object({ name: z.string(), items: z.array(z.number()) }).strict();
  const issuesOf = (value: unknown) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) throw new Error('expected issues');
    return parsed.error.issues;
  };

  it('names each issue by its path, joined into one sentence', () => {
    expect(describeIssues(issuesOf({ name: 1, items: [1, 'x'] }))).toBe('name: Invalid input: expected string, received number; items.1: Invalid input: expected number, received string');
  });

  it('names an issue without a path by its subject (body unless told), or leaves it unnamed', () => {
    const issues = issuesOf('not an object');
    expect(describeIssues(issues)).toBe('body: Invalid input: expected object, received string');
    expect(describeIssues(issues, { subject: 'parameters' })).toBe('parameters: Invalid input: expected object, received string');
    expect(issueLines(issues, { subject: '' })).toEqual([': Invalid input: expected object, received string']);
  });

  it('puts the enclosing path in front of every issue', () => {
    expect(describeIssues(issuesOf({ name: 'a', items: ['x'] }), { within: ['data', 'object'] })).toBe('data.object.items.0: Invalid input: expected number, received string');
  });

  it('gives the first message alone for a value the caller names', () => {
    expect(firstIssueMessage(issuesOf({ name: 1, items: [] }))).toBe('Invalid input: expected string, received number');
    expect(firstIssueMessage([])).toBe('is not valid');
  });
});
