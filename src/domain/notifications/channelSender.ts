import { gatewaysFor, sendWithFailover, type FailoverHooks, type FailoverResult } from '../channels/failover.js';
import type { Channel, ConfiguredGateways, GatewayRegistry, NotificationRequest } from '../channels/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { NotificationMessage } from './notificationMessage.js';
import type { SendPacer } from './ports.js';
import type { Due, SendWindow } from './sendWindow.js';

export interface ChannelSenderPorts {
  /** Which gateways carry each channel, in what order, and their health (the registry operators edit). */
  registry: GatewayRegistry;
  gateways: ConfiguredGateways;
  /** Paces the text channels (sms, whatsapp) to the provider account's rate. */
  pacer: SendPacer;
  /** Whether the customer may be messaged on the channel now (subscription, contact windows). */
  window: SendWindow;
  clock: Clock;
  logger: Logger;
}

/**
 * The way out on a channel: whether a message may go now (the customer's subscription and
 * window), then through the channel's gateways in priority order (failover), paced, with each
 * gateway's health recorded.
 */
export class ChannelSender {
  constructor(private readonly ports: ChannelSenderPorts) {}

  async due(message: NotificationMessage, now: Date): Promise<Due> {
    return this.ports.window.due(message, now);
  }

  async send(message: NotificationRequest, hooks: FailoverHooks): Promise<FailoverResult> {
    const gateways = await gatewaysFor(this.ports, message.channel);
    if (message.channel !== 'email') await this.ports.pacer.acquire();
    const result = await sendWithFailover(gateways, message, hooks);
    // Nothing was decided about a gateway when the claim stopped the round or none could be tried.
    if (result.outcome !== 'stopped' && result.outcome !== 'no-gateway') await recordGatewayHealth(this.ports, message.channel, result);
    return result;
  }
}

/**
 * A gateway that failed for its own sake is marked unhealthy for the channel (GET /api/channels);
 * one that took a message is healthy again. Health is for operators: failing to write it never
 * stops a send.
 */
async function recordGatewayHealth(deps: ChannelSenderPorts, channel: Channel, result: FailoverResult): Promise<void> {
  for (const attempt of result.attempts) {
    if (attempt.outcome !== 'gateway-fault' && attempt.outcome !== 'accepted') continue;
    const fault = attempt.outcome === 'gateway-fault' ? { errorCode: attempt.errorCode ?? 'unknown', detail: attempt.detail ?? '', at: deps.clock.now() } : null;
    if (fault) deps.logger.warn('gateway unhealthy', { channel, gateway: attempt.gateway, errorCode: fault.errorCode, detail: fault.detail });
    try {
      await deps.registry.recordHealth(channel, attempt.gateway, fault);
    } catch (error) {
      deps.logger.warn('gateway health not recorded', { channel, gateway: attempt.gateway, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

