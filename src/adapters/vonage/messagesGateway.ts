import { Vonage } from '@vonage/server-sdk';
import type { Channel, GatewaySendResult, NotificationGateway, NotificationRequest } from '../../domain/channels/ports.js';
import { classifyVonageError, httpStatusOf } from './failures.js';

/** JWT auth of a Vonage application (preferred), or the account's API key and secret (basic auth). */
export type VonageMessagesAuth = { applicationId: string; privateKey: string } | { apiKey: string; apiSecret: string };

export interface VonageMessagesSettings {
  auth: VonageMessagesAuth;
  /** Base URL of the Messages API (VONAGE_MESSAGES_HOST). */
  apiHost: string;
  /** The SMS sender (VONAGE_FROM). */
  smsFrom: string;
  /** Our WhatsApp business number (VONAGE_WHATSAPP_NUMBER); without it the gateway carries no WhatsApp. */
  whatsappFrom?: string;
  timeoutMs?: number;
}

/** How long the body of a refused request may take to arrive; its title only adds to the detail. */
const ERROR_BODY_TIMEOUT_MS = 1_000;

/** E.164 as the Messages API takes numbers: digits only, no '+'. */
const digitsOf = (e164: string) => e164.replace(/^\+/, '');

/**
 * The `title` of the problem+json body Vonage refuses a request with (e.g. "Invalid params").
 * The `detail` is left out: it can quote the recipient's number.
 */
async function problemTitle(error: unknown): Promise<string | undefined> {
  const response = (error as { response?: { text?: () => Promise<string> } } | null)?.response;
  if (typeof response?.text !== 'function') return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const body = await Promise.race([
      response.text(),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ERROR_BODY_TIMEOUT_MS))),
    ]);
    const title = body ? (JSON.parse(body) as { title?: unknown }).title : undefined;
    return typeof title === 'string' || typeof title === 'number' ? String(title).slice(0, 100) : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Vonage Messages API (`POST /v1/messages`) through the SDK: the `vonage-messages` gateway,
 * for SMS and WhatsApp text. 202 with a message_uuid is accepted; a refusal is classified by
 * classifyVonageError (429 throttled, 5xx unavailable, 422 the message's, 401 the gateway's).
 */
export class VonageMessagesGateway implements NotificationGateway {
  readonly name = 'vonage-messages';
  private readonly vonage: Vonage;

  constructor(private readonly settings: VonageMessagesSettings) {
    this.vonage = new Vonage(settings.auth, { apiHost: settings.apiHost.replace(/\/$/, ''), timeout: settings.timeoutMs ?? 15_000 });
  }

  /** Whether this gateway has a sender for `channel`. */
  carries(channel: Channel): boolean {
    return channel === 'sms' || (channel === 'whatsapp' && this.settings.whatsappFrom !== undefined);
  }

  async send(request: NotificationRequest): Promise<GatewaySendResult> {
    if (!this.carries(request.channel)) {
      return { outcome: 'gateway-fault', errorCode: 'unsupported-channel', detail: `the Vonage Messages gateway has no ${request.channel} sender configured` };
    }
    const from = request.channel === 'whatsapp' ? (this.settings.whatsappFrom as string) : this.settings.smsFrom;
    try {
      const { messageUUID } = await this.vonage.messages.send({
        channel: request.channel,
        messageType: 'text',
        to: digitsOf(request.to),
        from: request.channel === 'whatsapp' ? digitsOf(from) : from,
        text: request.text,
        clientRef: request.clientRef,
      });
      return { outcome: 'accepted', providerMessageId: messageUUID };
    } catch (error) {
      const title = httpStatusOf(error) === undefined ? undefined : await problemTitle(error);
      return classifyVonageError(error, (status) => `Vonage Messages API answered HTTP ${status}${title ? `: ${title}` : ''}`);
    }
  }
}
