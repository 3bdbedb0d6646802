/**
 * How many decimals Stripe's API amounts have in each currency, from Stripe's own lists
 * (https://docs.stripe.com/currencies, "Zero-decimal currencies" and "Three-decimal currencies").
 * Every other currency Stripe supports is two-decimal in its API.
 *
 * These are Stripe's lists, not ISO 4217's exponents, on purpose: they say how Stripe writes an
 * amount, and the two differ. ISO 4217 gives ISK no decimals, but Stripe keeps ISK two-decimal
 * ("an ISK amount of 100 represents 1 króna"); HUF and TWD are two-decimal in both.
 */
export const STRIPE_ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);

export const STRIPE_THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Decimals of a Stripe amount in `currency` (an ISO 4217 code, any case). */
export function stripeCurrencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  if (STRIPE_ZERO_DECIMAL_CURRENCIES.has(code)) return 0;
  if (STRIPE_THREE_DECIMAL_CURRENCIES.has(code)) return 3;
  return 2;
}
