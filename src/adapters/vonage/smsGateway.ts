import { Vonage } from '@vonage/server-sdk';
import type { GatewaySendResult, NotificationGateway, NotificationRequest } from '../../domain/channels/ports.js';
import { roundToAmount } from '../../domain/shared/money.js';
import { classifyVonageError } from './failures.js';

export interface VonageSettings {
  apiKey: string;
  apiSecret: string;
  restHost: string;
  /** The sender of every SMS (VONAGE_FROM). */
  from: string;
  timeoutMs?: number;
}

/**
 * Whose fault a Vonage SMS API status is (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms;
 * the table in ASSUMPTIONS.md). The moment's: 1 throttled (slow down a little); 5 internal error
 * and 10 too many binds, an outage. The message's, the same at any gateway: 2 missing and 3
 * invalid parameters, 6 unroutable, 7 number barred, 12 too long, 20 invalid message class, 22
 * invalid network code, 33 number deactivated. Any other status (4 credentials, 8 account
 * barred, 9 out of credit, 11 not enabled for HTTP, 14 signature, 15 sender, 19 facility not
 * allowed, 23 callback URL, 29 not whitelisted, 32 signature and secret, or a status Vonage adds)
 * is the account's or our settings', never the message's: the gateway's.
 */
const THROTTLED_STATUS = '1';
const UNAVAILABLE_STATUSES = new Set(['5', '10']);
const MESSAGE_STATUSES = new Set(['2', '3', '6', '7', '12', '20', '22', '33']);

interface VonageMessage {
  status?: string;
  messageId?: string;
  messagePrice?: string;
  errorText?: string;
}

function failedMessageOf(error: unknown): VonageMessage | undefined {
  const response = (error as { response?: { messages?: VonageMessage[] } } | null)?.response;
  return response?.messages?.find((m) => m.status !== '0');
}

/** The Vonage SMS API: the `sms` channel's `vonage-sms` gateway, the SMS sender of seed 000. */
export class VonageSmsGateway implements NotificationGateway {
  readonly name = 'vonage-sms';
  private readonly vonage: Vonage;

  constructor(private readonly settings: VonageSettings) {
    this.vonage = new Vonage(
      { apiKey: settings.apiKey, apiSecret: settings.apiSecret },
      { restHost: settings.restHost.replace(/\/$/, ''), timeout: settings.timeoutMs ?? 15_000 },
    );
  }

  async send(request: NotificationRequest): Promise<GatewaySendResult> {
    if (request.channel !== 'sms') {
      return { outcome: 'gateway-fault', errorCode: 'unsupported-channel', detail: `the Vonage SMS API cannot carry ${request.channel}` };
    }
    try {
      const response = await this.vonage.sms.send({
        to: request.to.replace(/^\+/, ''),
        from: this.settings.from,
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

function classifyFailure(error: unknown): GatewaySendResult {
  const failed = failedMessageOf(error);
  if (failed?.status) {
    const detail = failed.errorText ?? 'no error text';
    if (failed.status === THROTTLED_STATUS) return { outcome: 'retryable', reason: 'throttled', errorCode: failed.status, detail };
    if (UNAVAILABLE_STATUSES.has(failed.status)) return { outcome: 'retryable', reason: 'unavailable', errorCode: failed.status, detail };
    if (MESSAGE_STATUSES.has(failed.status)) return { outcome: 'rejected', errorCode: failed.status, detail };
    return { outcome: 'gateway-fault', errorCode: failed.status, detail };
  }
  return classifyVonageError(error);
}
