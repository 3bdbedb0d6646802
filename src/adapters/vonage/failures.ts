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

/** The HTTP statuses that refuse the message itself (invalid number or parameters, content too large), at any gateway. */
const MESSAGE_HTTP_STATUSES = new Set([400, 413, 422]);

/**
 * Whose fault a refused HTTP call is (the table in ASSUMPTIONS.md). The moment's: 429 throttling,
 * 5xx an outage, and no status at all (the network failed or the call timed out). The message's:
 * 400, 413 and 422 (invalid number or parameters, too large). Any other status (401 credentials,
 * 402 out of credit, 403 API or channel not enabled, 404 ...) is the gateway's: the next gateway
 * is tried and the message never fails for it.
 */
export function classifyVonageError(error: unknown, detailOf: (status: number) => string = (status) => `Vonage answered HTTP ${status}`): FailedSend {
  const status = httpStatusOf(error);
  if (status === 429) return { outcome: 'retryable', reason: 'throttled', errorCode: 'http-429', detail: detailOf(status) };
  if (status !== undefined && status >= 500) return { outcome: 'retryable', reason: 'unavailable', errorCode: `http-${status}`, detail: detailOf(status) };
  if (status !== undefined && MESSAGE_HTTP_STATUSES.has(status)) return { outcome: 'rejected', errorCode: `http-${status}`, detail: detailOf(status) };
  if (status !== undefined) return { outcome: 'gateway-fault', errorCode: `http-${status}`, detail: detailOf(status) };
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { outcome: 'retryable', reason: 'unavailable', errorCode: 'network', detail: reason.slice(0, 200) };
}
