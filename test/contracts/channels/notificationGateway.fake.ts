import { canCarry, channelsOf, DEFAULT_ROUTES } from '../../../src/adapters/gateways/catalogue.js';
import { type ConfiguredGateways, type GatewayName, type GatewaySendResult, type NotificationGateway, type NotificationRequest } from '../../../src/domain/channels/ports.js';

/** A notification gateway that answers what the test scripts (accepted by default), recording every request. */
export class FakeNotificationGateway implements NotificationGateway {
  readonly calls: NotificationRequest[] = [];
  /** The requests it accepted. */
  readonly sent: NotificationRequest[] = [];
  private readonly replies: GatewaySendResult[] = [];

  constructor(
    readonly name: GatewayName,
    private readonly accepted: (n: number) => GatewaySendResult = (n) => ({ outcome: 'accepted', providerMessageId: `${name}-${n}` }),
  ) {}

  reply(...results: GatewaySendResult[]): void {
    this.replies.push(...results);
  }

  async send(request: NotificationRequest): Promise<GatewaySendResult> {
    this.calls.push(request);
    const reply = this.replies.shift() ?? this.accepted(this.calls.length);
    if (reply.outcome === 'accepted') this.sent.push(request);
    return reply;
  }
}

/** The Vonage SMS API as seed 000's tests know it: message ids `vonage-<n>`, price 0.033. */
export class FakeSmsGateway extends FakeNotificationGateway {
  constructor() {
    super('vonage-sms', (n) => ({ outcome: 'accepted', providerMessageId: `vonage-${n}`, price: '0.033' }));
  }
}

/** These gateways, each configured for every channel it can carry. */
export function fakeConfiguredGateways(...gateways: NotificationGateway[]): ConfiguredGateways {
  return { get: (channel, name) => gateways.find((gateway) => gateway.name === name && canCarry(name, channel)), channelsOf, defaultRoutes: DEFAULT_ROUTES };
}
