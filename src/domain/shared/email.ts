import { z } from 'zod';

/** Longest address SMTP carries (RFC 5321 path limit), and the width of the ledger's email columns. */
export const MAX_EMAIL_LENGTH = 254;

const emailSchema = z.email().max(MAX_EMAIL_LENGTH);

export function isEmailAddress(value: string): boolean {
  return emailSchema.safeParse(value).success;
}

/** Enough of an address to tell two apart in a log, never the whole of it: `j***@e***.com`. */
export function maskEmail(raw: string | null | undefined): string {
  const value = raw?.trim() ?? '';
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1) return '***';
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const topLevel = dot > 0 ? domain.slice(dot) : '';
  return `${value[0]}***@${domain[0]}***${topLevel}`;
}
