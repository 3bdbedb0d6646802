import type { Clock } from '../../domain/shared/ports.js';

/**
 * The one place that reads the real clock. Everything else takes its time from the `Clock` port
 * (`infra.clock`), so a test's fixed clock is the time every row, document and signature check sees.
 */
export const systemClock: Clock = { now: () => new Date() };
