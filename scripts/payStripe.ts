/**
 * `npm run pay:stripe -- <jobId> <amount> [--currency GBP] [--only payment_intent|checkout] [--url http://127.0.0.1:7071]`
 *
 * Plays what Stripe sends when a customer pays through Checkout: `payment_intent.succeeded`, then
 * `checkout.session.completed` for the same payment, each signed with Stripe's own library, posted
 * to the running host's POST /api/payments/stripe. The second answers "duplicate": one payment.
 * The secret is STRIPE_WEBHOOK_SECRET, or LOCAL_STRIPE_WEBHOOK_SECRET when that is unset.
 */
import { parseJobId, PaymentInputError } from './lib/paymentRequest.js';
import { parseArgs } from './cliArgs.js';
import {
  checkoutSessionObject,
  LOCAL_STRIPE_WEBHOOK_SECRET,
  minorUnitsFromDecimal,
  paymentIntentObject,
  StripeAmountError,
  stripeEvent,
  stripeObjectId,
  stripeSignature,
} from './stripeEvents.js';

export { LOCAL_STRIPE_WEBHOOK_SECRET };

const USAGE = 'usage: npm run pay:stripe -- <jobId> <amount> [--currency GBP] [--only payment_intent|checkout] [--url http://127.0.0.1:7071]';

async function main(): Promise<void> {
  const { positional, flags } = parseArgs(process.argv.slice(2));
  if (positional.length !== 2) throw new PaymentInputError(USAGE);
  const only = flags.only;
  if (only !== undefined && only !== 'payment_intent' && only !== 'checkout') throw new PaymentInputError(USAGE);
  const jobId = String(parseJobId(positional[0]!));
  const currency = (flags.currency ?? 'GBP').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw new PaymentInputError('--currency must be a three-letter ISO 4217 code such as GBP');
  const amount = minorUnitsFromDecimal(positional[1]!, currency);
  const secret = process.env.STRIPE_WEBHOOK_SECRET?.trim() || LOCAL_STRIPE_WEBHOOK_SECRET;
  const url = `${(flags.url ?? process.env.RELAY_URL ?? `http://127.0.0.1:${process.env.PORT?.trim() || '7071'}`).replace(/\/+$/, '')}/api/payments/stripe`;

  const payment = { paymentIntentId: stripeObjectId('pi'), amount, currency, jobId };
  const events = [
    ...(only === 'checkout' ? [] : [stripeEvent('payment_intent.succeeded', paymentIntentObject(payment))]),
    ...(only === 'payment_intent' ? [] : [stripeEvent('checkout.session.completed', checkoutSessionObject(payment))]),
  ];
  for (const event of events) {
    const body = JSON.stringify(event, null, 2);
    console.log(`POST ${url}  ${String(event.type)} ${String(event.id)}: job ${jobId}, ${amount} ${currency} minor units (${payment.paymentIntentId})`);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, secret) }, body });
    } catch (error) {
      throw new Error(`no host answered at ${url} (${(error as Error).cause ?? (error as Error).message}); start it with npm start`, { cause: error });
    }
    console.log(`-> ${response.status} ${await response.text()}`);
    if (response.status >= 400) process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  const known = error instanceof PaymentInputError || error instanceof StripeAmountError;
  console.error(known ? (error as Error).message : `npm run pay:stripe failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
