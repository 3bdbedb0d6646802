import type { Channel, GatewayName } from '../../domain/channels/ports.js';

/*
 * The gateways the adapters provide, by the names the ledger's routes and the channels API use
 * (a public contract: docs/api.md). The domain knows gateways only by name, through
 * ConfiguredGateways; which exist and what each can carry is fixed here, as data.
 */

export const GATEWAY_NAMES = ['vonage-sms', 'vonage-messages', 'smtp'] as const;
export type KnownGatewayName = (typeof GATEWAY_NAMES)[number];

/** The channels each gateway can carry: the Vonage SMS API only SMS, the Messages API SMS and WhatsApp, SMTP email. */
const GATEWAY_CHANNELS: Readonly<Record<KnownGatewayName, readonly Channel[]>> = {
  'vonage-sms': ['sms'],
  'vonage-messages': ['sms', 'whatsapp'],
  smtp: ['email'],
};

export function isGatewayName(value: string): value is KnownGatewayName {
  return (GATEWAY_NAMES as readonly string[]).includes(value);
}

/** The channels `gateway` can carry; none for a name no adapter provides. */
export function channelsOf(gateway: GatewayName): readonly Channel[] {
  return isGatewayName(gateway) ? GATEWAY_CHANNELS[gateway] : [];
}

export function canCarry(gateway: GatewayName, channel: Channel): boolean {
  return channelsOf(gateway).includes(channel);
}

/** The routes a new deployment starts with, for the gateways it has credentials for (seeded once; operators' changes stick). */
export const DEFAULT_ROUTES: ReadonlyArray<{ channel: Channel; gateway: KnownGatewayName; priority: number }> = [
  { channel: 'sms', gateway: 'vonage-sms', priority: 1 },
  { channel: 'sms', gateway: 'vonage-messages', priority: 2 },
  { channel: 'whatsapp', gateway: 'vonage-messages', priority: 1 },
  { channel: 'email', gateway: 'smtp', priority: 1 },
];
