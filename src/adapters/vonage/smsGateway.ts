import { Vonage } from '@vonage/server-sdk';
import type { SmsGateway, SmsRequest, SmsSendResult } from '../../domain/notifications/ports.js';
import { roundToAmount } from '../../domain/shared/money.js';

export interface VonageSettings {
  apiKey: string;
  apiSecret: string;
  restHost: string;
  timeoutMs?: number;
}

/**
 * Vonage SMS API statuses that may succeed later: 1 is throttling (slow down a little), 5 and 10
 * an outage (internal error, too many binds). Every other non-zero status is about the message or
 * account and is not retried. https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms
 */
const THROTTLED_STATUS = '1';
const UNAVAILABLE_STATUSES = new Set(['5', '10']);

interface VonageMessage {
  status?: string;
  messageId?: string;
  messagePrice?: string;
  errorText?: string;
}

function httpStatusOf(error: unknown): number | undefined {
  const response = (error as { response?: { status?: unknown } } | null)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

function failedMessageOf(error: unknown): VonageMessage | undefined {
  const response = (error as { response?: { messages?: VonageMessage[] } } | null)?.response;
  return response?.messages?.find((m) => m.status !== '0');
}

export class VonageSmsGateway implements SmsGateway {
  private readonly vonage: Vonage;

  constructor(settings: VonageSettings) {
    this.vonage = new Vonage(
      { apiKey: settings.apiKey, apiSecret: settings.apiSecret },
      { restHost: settings.restHost.replace(/\/$/, ''), timeout: settings.timeoutMs ?? 15_000 },
    );
  }

  async send(request: SmsRequest): Promise<SmsSendResult> {
    try {
      const response = await this.vonage.sms.send({
        to: request.to.replace(/^\+/, ''),
        from: request.from,
        text: request.text,
        clientRef: request.clientRef,
      });
      const message = (response.messages?.[0] ?? {}) as VonageMessage;
      return {
        outcome: 'accepted',
        providerMessageId: message.messageId ?? 'unknown',
        ...(message.messagePrice ? { price: roundToAmount(message.messagePrice) } : {}),
      };
    } catch (error) {
      return classifyFailure(error);
    }
  }
}

function classifyFailure(error: unknown): SmsSendResult {
  const failed = failedMessageOf(error);
  if (failed?.status) {
    const detail = failed.errorText ?? 'no error text';
    if (failed.status === THROTTLED_STATUS) return { outcome: 'retryable', reason: 'throttled', errorCode: failed.status, detail };
    if (UNAVAILABLE_STATUSES.has(failed.status)) return { outcome: 'retryable', reason: 'unavailable', errorCode: failed.status, detail };
    return { outcome: 'rejected', errorCode: failed.status, detail };
  }
  const status = httpStatusOf(error);
  if (status === 429) return { outcome: 'retryable', reason: 'throttled', errorCode: 'http-429', detail: 'Vonage answered HTTP 429' };
  if (status !== undefined && status >= 500) {
    return { outcome: 'retryable', reason: 'unavailable', errorCode: `http-${status}`, detail: `Vonage answered HTTP ${status}` };
  }
  if (status !== undefined) {
    return { outcome: 'rejected', errorCode: `http-${status}`, detail: `Vonage answered HTTP ${status}` };
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { outcome: 'retryable', reason: 'unavailable', errorCode: 'network', detail: reason.slice(0, 200) };
}
