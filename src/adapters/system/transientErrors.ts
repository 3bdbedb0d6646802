import { TransientError } from '../../domain/shared/transientError.js';

/**
 * How adapters tell the failures of our own infrastructure (MySQL, Cosmos DB, Service Bus) that
 * pass by themselves from the rest: a refused or cut connection, a timeout, throttling, a deadlock.
 * They throw those as TransientError, so callers recognise one type whatever the driver.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  // mysql2
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);

/** Cosmos DB: request timeout, throttled, retry-with (write conflict), service unavailable. */
const COSMOS_TRANSIENT_STATUSES = new Set([408, 429, 449, 500, 503]);

function isTransientInfrastructureError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, statusCode, cause, fatal } = error as { code?: unknown; statusCode?: unknown; cause?: unknown; fatal?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (fatal === true && typeof code === 'string' && code.startsWith('PROTOCOL_')) return true;
  const status = typeof code === 'number' ? code : typeof statusCode === 'number' ? statusCode : undefined;
  if (status !== undefined && COSMOS_TRANSIENT_STATUSES.has(status)) return true;
  if (error instanceof AggregateError) return error.errors.some((inner) => isTransientInfrastructureError(inner, depth + 1));
  return isTransientInfrastructureError(cause, depth + 1);
}

/** `error` as a TransientError when it is one of those failures; otherwise `error` unchanged. */
export function asTransient(error: unknown): unknown {
  return error instanceof TransientError || !isTransientInfrastructureError(error) ? error : new TransientError(error);
}

/** Runs `work`, throwing its infrastructure failures that pass as TransientError. */
export async function transientOnFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asTransient(error);
  }
}
