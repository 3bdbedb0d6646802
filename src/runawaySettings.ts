import { z } from 'zod';
import { AMOUNT_PATTERN } from './domain/shared/money.js';
import { flag, positiveInt } from './settingFields.js';

/**
 * The runaway-sender guard's settings (issue 24, ASSUMPTIONS.md "Runaway-sender guard"), one group
 * that configSchema spreads in; kept here so config.ts stays a readable size.
 */
export const runawaySettingsShape = {
  /** Messages to one customer, or of one type, in a shop day past which it is flagged (if also 3x its 7-day average). */
  RUNAWAY_DAILY_COUNT: positiveInt(50),
  /** The same for the day's cost, in the statistics' currency, three decimals. */
  RUNAWAY_DAILY_COST: z.string().regex(AMOUNT_PATTERN, 'must be an amount with exactly 3 decimals, e.g. "5.000"').default('5.000'),
  /** true: sending to a flagged customer pauses until staff release it (POST /api/staff/customers/{customerId}/release). */
  RUNAWAY_PAUSE: flag,
};
