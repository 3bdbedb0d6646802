import type { Channel, ConfiguredGateways, GatewayName, GatewayRegistry, GatewaySendResult, NotificationGateway, NotificationRequest } from './ports.js';

/** One gateway tried for one message, for the delivery log. */
export interface FailoverAttempt {
  gateway: GatewayName;
  outcome: GatewaySendResult['outcome'];
  /** The provider's error code; null when it accepted the message. */
  errorCode: string | null;
  /** Why a retryable attempt failed: throttling at any gateway is retried sooner than an outage. */
  reason?: 'throttled' | 'unavailable';
  /** A gateway fault's explanation, which the gateway's health shows. */
  detail?: string;
}

export type FailoverResult =
  /** The answer of the gateway that accepted or permanently rejected the message, or of the last one when none did. */
  | (GatewaySendResult & { gateway: GatewayName; attempts: FailoverAttempt[] })
  /** The channel has no enabled gateway with credentials: nothing was sent. */
  | { outcome: 'no-gateway'; detail: string; attempts: [] }
  /** `beforeAttempt` answered false: the message is no longer this sender's, and the next gateway was not called. */
  | { outcome: 'stopped'; attempts: FailoverAttempt[] };

export interface FailoverHooks {
  /**
   * Runs before each gateway is called (the caller records which gateway it is about to try, so
   * a crash mid-send is never sent again elsewhere). False stops the failover with `stopped`
   * (another sender owns the message); a throw stops it too and is passed on. No gateway is
   * called after either.
   */
  beforeAttempt?(gateway: GatewayName, attempt: number): Promise<boolean | void>;
}

/** The gateways to try for `channel`, first to try first: enabled in the registry, and configured. */
export async function gatewaysFor(deps: { registry: GatewayRegistry; gateways: ConfiguredGateways }, channel: Channel): Promise<NotificationGateway[]> {
  const names = await deps.registry.routeFor(channel);
  return names.map((name) => deps.gateways.get(channel, name)).filter((gateway): gateway is NotificationGateway => gateway !== undefined);
}

/**
 * Sends through `gateways` in order. A retryable failure (the moment's) or a gateway fault (the
 * gateway's: credentials, not enabled, suspended) moves to the next gateway at once; an accepted
 * or permanently rejected message stops there (a bad number is bad everywhere); when no gateway
 * accepted or rejected it, the last answer is returned with every attempt and the caller retries later.
 * A gateway that throws (rather than answering) stops the failover with that error: whether it
 * sent is unknown, so trying another gateway could send twice.
 */
export async function sendWithFailover(
  gateways: readonly NotificationGateway[],
  request: NotificationRequest,
  hooks: FailoverHooks = {},
): Promise<FailoverResult> {
  if (gateways.length === 0) {
    return { outcome: 'no-gateway', detail: `no enabled gateway with credentials carries ${request.channel}`, attempts: [] };
  }
  const attempts: FailoverAttempt[] = [];
  let last: (GatewaySendResult & { gateway: GatewayName }) | undefined;
  for (const gateway of gateways) {
    if ((await hooks.beforeAttempt?.(gateway.name, attempts.length + 1)) === false) return { outcome: 'stopped', attempts };
    const result = await gateway.send(request);
    attempts.push({
      gateway: gateway.name,
      outcome: result.outcome,
      errorCode: result.outcome === 'accepted' ? null : result.errorCode,
      ...(result.outcome === 'retryable' ? { reason: result.reason } : {}),
      ...(result.outcome === 'gateway-fault' ? { detail: result.detail } : {}),
    });
    last = { ...result, gateway: gateway.name };
    if (result.outcome === 'accepted' || result.outcome === 'rejected') break;
  }
  return { ...last!, attempts };
}
