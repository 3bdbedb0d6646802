import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Result } from './result.js';

/** The client system is British; numbers without a country code are read as GB numbers. */
export const DEFAULT_PHONE_REGION = 'GB';

export type PhoneCheck = Result<{ e164: string }, { reason: string }>;

export function toE164(raw: string | null | undefined): PhoneCheck {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') return { ok: false, reason: 'no mobile number on the job' };
  const parsed = parsePhoneNumberFromString(trimmed, DEFAULT_PHONE_REGION);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'mobile number is not a valid phone number' };
  const type = parsed.getType();
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    return { ok: false, reason: 'phone number cannot receive SMS (not a mobile number)' };
  }
  return { ok: true, e164: parsed.number };
}

/**
 * Whether we may send an unrequested SMS or WhatsApp message to this E.164 number: a mobile
 * (not premium-rate, shared-cost or of unknown type) whose country calling code the business serves.
 * Anything else could be a toll-fraud destination.
 */
export function isServedMobile(e164: string, countryCallingCodes: readonly string[]): boolean {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || !parsed.isValid() || !countryCallingCodes.includes(parsed.countryCallingCode)) return false;
  const type = parsed.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** Enough of a number to tell two apart in a log, never the whole of it. */
export function maskPhone(raw: string | null | undefined): string {
  const digits = (raw ?? '').replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `***${digits.slice(-3)}`;
}
