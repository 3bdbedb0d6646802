/** Orders as SQL's `ORDER BY time, key` does, for keys whose code-unit order is the collation's (lower-case ASCII ids). */
export function byTimeThenKey([aTime, aKey]: [Date, string], [bTime, bKey]: [Date, string]): number {
  return aTime.getTime() - bTime.getTime() || (aKey < bKey ? -1 : aKey > bKey ? 1 : 0);
}
