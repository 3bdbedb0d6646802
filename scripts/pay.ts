/**
 * `npm run pay -- <jobId> <amount> [--currency GBP] [--payment-id <uuid>] [--url http://127.0.0.1:7071]`
 *
 * Signs a payment callback the way the payment provider does (DESIGN.md) and posts it to the
 * running host. The secret is PAYMENT_WEBHOOK_SECRET, or the local default the host uses when
 * that is unset. Repeat a --payment-id to see the callback's idempotency.
 */
import { LOCAL_PAYMENT_WEBHOOK_SECRET } from '../dev/defaults.js';
import { buildPaymentRequest, parseJobId, PaymentInputError, postPayment } from './lib/paymentRequest.js';
import { describeError } from '../dev/settings.js';
import { parseArgs } from './cliArgs.js';

const USAGE = 'usage: npm run pay -- <jobId> <amount> [--currency GBP] [--payment-id <uuid>] [--url http://127.0.0.1:7071]';

async function main(): Promise<void> {
  const { positional, flags } = parseArgs(process.argv.slice(2));
  if (positional.length !== 2) throw new PaymentInputError(USAGE);
  const secret = process.env.PAYMENT_WEBHOOK_SECRET?.trim() || LOCAL_PAYMENT_WEBHOOK_SECRET;
  const base = (flags.url ?? process.env.RELAY_URL ?? `http://127.0.0.1:${process.env.PORT?.trim() || '7071'}`).replace(/\/+$/, '');
  const request = buildPaymentRequest({
    jobId: parseJobId(positional[0]!),
    amount: positional[1]!,
    secret,
    ...(flags.currency ? { currency: flags.currency } : {}),
    ...(flags['payment-id'] ? { paymentId: flags['payment-id'] } : {}),
  });
  const { payment } = request;
  console.log(`POST ${base}/api/payments  paymentId ${payment.paymentId}, job ${payment.jobId}, ${payment.amount} ${payment.currency}`);
  let result: { status: number; text: string };
  try {
    result = await postPayment(`${base}/api`, request);
  } catch (error) {
    throw new Error(`no host answered at ${base} (${(error as Error).cause ?? (error as Error).message}); start it with npm start`, { cause: error });
  }
  console.log(`-> ${result.status} ${result.text}`);
  if (result.status >= 400) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof PaymentInputError ? error.message : `npm run pay failed: ${describeError(error)}`);
  process.exit(1);
});
