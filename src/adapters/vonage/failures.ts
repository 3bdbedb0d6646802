import type { GatewaySendResult } from '../../domain/channels/ports.js';

/*
 * How a Vonage API call that did not succeed is classified, whichever API it was (SMS API,
 * Messages API): the SDK throws with the HTTP response attached, or with no response at all
 * when the network failed or the call timed out.
 */

export type FailedSend = Exclude<GatewaySendResult, { outcome: 'accepted' }>;

export function httpStatusOf(error: unknown): number | undefined {
  const response = (error as { response?: { status?: unknown } } | null)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/**
 * HTTP 429 is throttling and 5xx an outage (both retryable); any other status is about the
 * request or the account (422 invalid number, 401 bad credentials) and is permanent. No status:
 * the network failed or the call timed out, which is retryable.
 */
export function classifyVonageError(error: unknown, detailOf: (status: number) => string = (status) => `Vonage answered HTTP ${status}`): FailedSend {
  const status = httpStatusOf(error);
  if (status === 429) return { outcome: 'retryable', reason: 'throttled', errorCode: 'http-429', detail: detailOf(status) };
  if (status !== undefined && status >= 500) return { outcome: 'retryable', reason: 'unavailable', errorCode: `http-${status}`, detail: detailOf(status) };
  if (status !== undefined) return { outcome: 'rejected', errorCode: `http-${status}`, detail: detailOf(status) };
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { outcome: 'retryable', reason: 'unavailable', errorCode: 'network', detail: reason.slice(0, 200) };
}
