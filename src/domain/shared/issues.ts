import type { z } from 'zod';

export interface IssueWording {
  /** What an issue without a path is about ("body", "parameters"); '' leaves it unnamed. */
  subject?: string;
  /** Path segments in front of every issue's own path (where in a bigger document the value was). */
  within?: readonly PropertyKey[];
}

/** zod's issues one a line: "customerIds.3: Too small". */
export function issueLines(issues: readonly z.core.$ZodIssue[], { subject = 'body', within = [] }: IssueWording = {}): string[] {
  return issues.map((issue) => `${[...within, ...issue.path].map(String).join('.') || subject}: ${issue.message}`);
}

/** zod's issues as one sentence: "customerIds.3: Too small; text: Required". */
export function describeIssues(issues: readonly z.core.$ZodIssue[], wording: IssueWording = {}): string {
  return issueLines(issues, wording).join('; ');
}

/** The first issue's message alone, for a single value whose name the caller already says. */
export function firstIssueMessage(issues: readonly z.core.$ZodIssue[]): string {
  return issues[0]?.message ?? 'is not valid';
}
