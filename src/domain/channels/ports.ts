/*
 * Notification channels and the gateways (providers) that carry them (DESIGN.md, Notifications).
 * Which gateways carry a channel, and in what order, is an operator's choice kept in the ledger;
 * which gateways exist and what each can carry is the adapters' (ConfiguredGateways tells it).
 */

export const CHANNELS = ['sms', 'whatsapp', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A gateway by the name its adapter provides it under; the ledger's routes and the channels API use the same name. */
export type GatewayName = string;

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/** Priorities are whole numbers in this range; 1 is tried first. */
export const PRIORITY_RANGE = { min: 1, max: 1000 } as const;

export interface NotificationRequest {
  channel: Channel;
  /** E.164 (`+447700900123`) for sms and whatsapp, an email address for email. */
  to: string;
  text: string;
  /** Email only. */
  subject?: string;
  /** Email only: the HTML alternative of `text`. */
  html?: string;
  /** The notification id: the provider echoes it back, and the email Message-ID is derived from it. */
  clientRef: string;
}

/**
 * A gateway's answer, saying whose fault a failure is (the table in ASSUMPTIONS.md maps every
 * provider answer onto these). The moment's: `retryable` may succeed later or elsewhere (timeout,
 * 5xx, throttling, network: the next gateway is tried at once). The gateway's: `gateway-fault`
 * (credentials refused, API or channel not enabled, account suspended or out of credit) says
 * nothing about the message, so the next gateway is tried and the gateway shows as unhealthy.
 * The message's: `rejected` is permanent (invalid or barred number, bad address, content refused)
 * and no other gateway is tried.
 */
export type GatewaySendResult =
  | { outcome: 'accepted'; providerMessageId: string; /** 3-decimal string */ price?: string }
  /** `throttled`: slow down a little (HTTP 429, SMS API status 1); `unavailable`: an outage (5xx, network, timeout, SMTP 4xx). */
  | { outcome: 'retryable'; reason: 'throttled' | 'unavailable'; errorCode: string; detail: string }
  | { outcome: 'gateway-fault'; errorCode: string; detail: string }
  | { outcome: 'rejected'; errorCode: string; detail: string };

/** Why a gateway is unhealthy for a channel: its latest fault, and since when it has been failing. */
export interface GatewayProblem {
  channel: Channel;
  gateway: GatewayName;
  errorCode: string;
  detail: string;
  since: Date;
}

export interface NotificationGateway {
  readonly name: GatewayName;
  /** Never throws for a provider's answer or a network failure: those are results. */
  send(request: NotificationRequest): Promise<GatewaySendResult>;
}

/** The gateways the adapters provide, and those this deployment has credentials (and a sender) for. */
export interface ConfiguredGateways {
  /** The gateway that can send `channel` now; undefined when it cannot carry it or lacks settings. */
  get(channel: Channel, gateway: GatewayName): NotificationGateway | undefined;
  /** The channels `gateway` can carry at all, configured here or not; none for a name no adapter provides. */
  channelsOf(gateway: GatewayName): readonly Channel[];
  /** The routes a new deployment starts with, for the gateways it has credentials for (seeded once; operators' changes stick). */
  readonly defaultRoutes: ReadonlyArray<{ channel: Channel; gateway: GatewayName; priority: number }>;
}

/** One row of the registry: `gateway` carries `channel` at `priority` (1 first) when `enabled`. */
export interface GatewayRoute {
  channel: Channel;
  gateway: GatewayName;
  priority: number;
  enabled: boolean;
}

export interface GatewayRouteChange {
  priority?: number;
  enabled?: boolean;
}

/** The ledger's table of routes (notification_gateways). */
export interface GatewayRegistry {
  /** Every route, ordered by channel, priority and gateway. */
  list(): Promise<GatewayRoute[]>;
  /** Adds an enabled route; `exists` (the stored route) when the pair is there already, which is left as it is. */
  add(route: Omit<GatewayRoute, 'enabled'>, at: Date): Promise<{ outcome: 'added'; route: GatewayRoute } | { outcome: 'exists'; route: GatewayRoute }>;
  /** Changes what `change` names; undefined when the pair does not exist. */
  update(channel: Channel, gateway: GatewayName, change: GatewayRouteChange, at: Date): Promise<GatewayRoute | undefined>;
  /** The enabled gateways of `channel`, first to try first. Cheap: called for every message. */
  routeFor(channel: Channel): Promise<GatewayName[]>;
  /** Adds the routes that do not exist yet; existing ones (an operator's changes) are kept. */
  seed(routes: ReadonlyArray<Omit<GatewayRoute, 'enabled'>>, at: Date): Promise<void>;
  /**
   * Marks a gateway unhealthy for a channel (a fault: `since` is kept from the first one until it
   * recovers) or, with null, healthy again. Called after sends, so it writes only when the health
   * it last read changes (a healthy gateway's sends cost no write).
   */
  recordHealth(channel: Channel, gateway: GatewayName, fault: { errorCode: string; detail: string; at: Date } | null): Promise<void>;
  /** The gateways that are unhealthy now, by channel and gateway. */
  problems(): Promise<GatewayProblem[]>;
}
