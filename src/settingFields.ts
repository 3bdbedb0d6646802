import { z } from 'zod';

/*
 * Field shapes that more than one settings module uses (config.ts and the areas' own setting
 * groups, such as runawaySettings.ts), so each kind of setting is spelled and checked one way.
 */

/** A whole number above zero, with its default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An on/off setting, spelled as app settings are: `true` or `false`. */
export const flag = z.enum(['true', 'false'], { message: 'must be true or false' }).default('false');
