import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** The client system is British; numbers without a country code are read as GB numbers. */
export const DEFAULT_PHONE_REGION = 'GB';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: string };

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

/** Enough of a number to tell two apart in a log, never the whole of it. */
export function maskPhone(raw: string | null | undefined): string {
  const digits = (raw ?? '').replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `***${digits.slice(-3)}`;
}
