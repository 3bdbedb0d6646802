/** Ports every area uses. */

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * One-way keys of phone numbers: the ledger finds the SMS we sent to a number by its key, so it
 * never stores the number itself. Equal E.164 numbers give equal keys; the key reveals nothing
 * about the number to anyone without the adapter's secret.
 */
export interface PhoneKeys {
  lookupKey(e164: string): string;
}
