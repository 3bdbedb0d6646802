/**
 * Amounts are carried as decimal strings with exactly three places and computed on as integer
 * thousandths (bigint), so no amount ever passes through a binary float.
 */
export const AMOUNT_PATTERN = /^\d{1,12}\.\d{3}$/;

export function thousandthsFromAmount(amount: string): bigint {
  if (!AMOUNT_PATTERN.test(amount)) throw new RangeError(`not a 3-decimal amount: ${amount}`);
  return BigInt(amount.replace('.', ''));
}

export function amountFromThousandths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(4, '0');
  return `${sign}${digits.slice(0, -3)}.${digits.slice(-3)}`;
}

/** Rounds any non-negative decimal string (e.g. a provider's "0.03330000") half-up to 3 places. */
export function roundToAmount(decimal: string): string {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(decimal.trim());
  if (!match) throw new RangeError(`not a decimal number: ${decimal}`);
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(4, '0');
  const truncated = BigInt(whole + fraction.slice(0, 3));
  const roundUp = Number(fraction[3]) >= 5 ? 1n : 0n;
  return amountFromThousandths(truncated + roundUp);
}

/**
 * An integer count of a currency's minor units (e.g. Stripe's `amount_received`) as a 3-decimal
 * amount, exactly: `exponent` is how many decimals the minor unit has (0 for JPY, 2 for GBP, 3 for
 * KWD). An exponent above 3 cannot be held by a 3-decimal amount without rounding, so it is refused.
 */
export function amountFromMinorUnits(minorUnits: bigint, exponent: number): string {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 3) throw new RangeError(`a currency exponent must be 0 to 3, not ${exponent}`);
  return amountFromThousandths(minorUnits * 10n ** BigInt(3 - exponent));
}
