import { randomUUID } from 'node:crypto';
import { signPayment } from '../../src/adapters/signatures/paymentSignature.js';

/** A payment callback as the provider sends it (DESIGN.md), ready to post. */
export interface PaymentRequest {
  body: string;
  headers: Record<string, string>;
  payment: { paymentId: string; jobId: number; amount: string; currency: string; paidAt: string };
}

export class PaymentInputError extends Error {
  override readonly name = 'PaymentInputError';
}

/** "45.5" -> "45.500": an amount as a string with exactly three decimals, never through a float. */
export function normaliseAmount(input: string): string {
  const m = /^(\d{1,12})(?:\.(\d{1,3}))?$/.exec(input.trim());
  if (!m) throw new PaymentInputError(`amount must be a positive number with at most 3 decimals, such as 45.5 or 45.500, not "${input}"`);
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  return `${whole}.${(m[2] ?? '').padEnd(3, '0')}`;
}

export function parseJobId(input: string): number {
  if (!/^\d{1,10}$/.test(input.trim()) || Number(input) < 1 || Number(input) > 2_147_483_647) {
    throw new PaymentInputError(`jobId must be a positive whole number, not "${input}"`);
  }
  return Number(input);
}

/** Builds the body and `X-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function buildPaymentRequest(input: { jobId: number; amount: string; secret: string; currency?: string; paymentId?: string; now?: Date }): PaymentRequest {
  const now = input.now ?? new Date();
  const payment = {
    paymentId: input.paymentId ?? randomUUID(),
    jobId: input.jobId,
    amount: normaliseAmount(input.amount),
    currency: input.currency ?? 'GBP',
    paidAt: now.toISOString(),
  };
  const body = JSON.stringify(payment);
  return { body, payment, headers: { 'content-type': 'application/json', 'x-signature': signPayment(body, input.secret, now.getTime() / 1000) } };
}

/** Posts the callback to `${apiUrl}/payments`; resolves with the status and the response text. */
export async function postPayment(apiUrl: string, request: PaymentRequest): Promise<{ status: number; text: string }> {
  const response = await fetch(`${apiUrl.replace(/\/+$/, '')}/payments`, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, text: await response.text() };
}
