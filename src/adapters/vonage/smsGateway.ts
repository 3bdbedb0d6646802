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
 * Vonage SMS API statuses that may succeed later (throttled, internal error, too many binds).
 * Every other non-zero status is about the message or account and is not retried.
 * https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms
 */
const RETRYABLE_STATUSES = new Set(['1', '5', '10']);

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
    return RETRYABLE_STATUSES.has(failed.status)
      ? { outcome: 'retryable', errorCode: failed.status, detail }
      : { outcome: 'rejected', errorCode: failed.status, detail };
  }
  const status = httpStatusOf(error);
  if (status === 429 || (status !== undefined && status >= 500)) {
    return { outcome: 'retryable', errorCode: `http-${status}`, detail: `Vonage answered HTTP ${status}` };
  }
  if (status !== undefined) {
    return { outcome: 'rejected', errorCode: `http-${status}`, detail: `Vonage answered HTTP ${status}` };
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { outcome: 'retryable', errorCode: 'network', detail: reason.slice(0, 200) };
}
