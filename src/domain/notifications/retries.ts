import type { FailoverResult } from '../channels/failover.js';

/* When a message no gateway took is tried again, and how the gateways' answers read in its log entry. */

const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 30 * 60_000;

/** Exponential backoff for provider outages (5xx, status 5/10, network): 30 s, 1 min, 2 min, ... capped at 30 min. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), LONGEST_RETRY_MS);
}

const FIRST_THROTTLE_RETRY_MS = 1_000;
const LONGEST_THROTTLE_RETRY_MS = 15_000;

/**
 * Throttling means "slow down a little": retried within seconds, growing slowly (1 s, 1.5 s,
 * 2.25 s, ... capped at 15 s), plus up to a second of jitter so throttled sends spread out.
 * The jitter is derived from the key and attempt, so a retry's time is reproducible.
 */
export function throttleRetryDelayMs(key: string, failedAttempts: number): number {
  const base = Math.min(FIRST_THROTTLE_RETRY_MS * 1.5 ** Math.max(0, failedAttempts - 1), LONGEST_THROTTLE_RETRY_MS);
  return Math.round(base) + spread(`${key}#${failedAttempts}`, 1_000);
}

/** A stable number in [0, range) from a string (FNV-1a), for jitter that tests can predict. */
function spread(text: string, range: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash % range;
}

/**
 * After no gateway took the message: throttling at any gateway tried is retried within seconds
 * (the throttled gateway will take it in a moment, whatever the others said); anything else waits
 * like an outage.
 */
export function retryDelayFor(key: string, attempt: number, result: FailoverResult): number {
  const throttled = result.attempts.some((a) => a.outcome === 'retryable' && a.reason === 'throttled');
  return throttled ? throttleRetryDelayMs(key, attempt) : retryDelayMs(attempt);
}

/** Every gateway tried failed for its own sake (credentials, not enabled, suspended): nothing could carry the message. */
export function onlyGatewayFaults(result: FailoverResult): boolean {
  return result.attempts.length > 0 && result.attempts.every((a) => a.outcome === 'gateway-fault');
}

/**
 * A gateway failed for its own sake in this round: its attempts say nothing about the message, so
 * the message never runs out of attempts for them; it waits for the moment to pass or an operator.
 */
export function anyGatewayFault(result: FailoverResult): boolean {
  return result.attempts.some((a) => a.outcome === 'gateway-fault');
}

/** What each gateway answered, for the log entry of a message that no gateway took: "vonage-sms throttled (1); vonage-messages gateway fault, marked unhealthy (http-401)". */
export function attemptsSummary(result: FailoverResult): string {
  return result.attempts
    .map((a) => `${a.gateway} ${a.outcome === 'retryable' ? a.reason : a.outcome === 'gateway-fault' ? 'gateway fault, marked unhealthy' : a.outcome}${a.errorCode ? ` (${a.errorCode})` : ''}`)
    .join('; ');
}

