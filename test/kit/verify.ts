/**
 * A check outside vitest (benches, scripts run by hand): throws when `condition` fails, so a run
 * that measured something wrong fails instead of reporting its numbers.
 */
export function verify(condition: boolean, message: string): void {
  if (!condition) throw new Error(`verification failed: ${message}`);
}
