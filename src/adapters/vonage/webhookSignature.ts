import { randomBytes } from 'node:crypto';
import { Vonage } from '@vonage/server-sdk';
import { checkFreshness, hmacSha256, matchesAnyHex, type SignatureCheck } from '../signatures/hmac.js';

type SmsApi = Vonage['sms'];
type SignatureAlgorithm = Parameters<SmsApi['verifySignature']>[3];

/**
 * `AlgorithmTypes.sha256hmac` of @vonage/auth. The Vonage account's signature method (dashboard,
 * API settings) must be "SHA-256 HMAC"; the other methods are refused, MD5 above all.
 */
export const VONAGE_SIGNATURE_ALGORITHM = 'SHA256HMAC' as SignatureAlgorithm;

let sdk: SmsApi | undefined;

/** The SDK's SMS client; verifying a signature needs no credentials and makes no request. */
function vonageSms(): SmsApi {
  sdk ??= new Vonage({}).sms;
  return sdk;
}

/**
 * The string Vonage signs, built exactly as the SDK's `SMS.verifySignature` builds it: every
 * parameter but `sig`, sorted by name, as `&name=value`, with `&` and `=` in values replaced by `_`.
 */
function signedString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
}

function expectedSignature(params: Readonly<Record<string, string>>, secret: string): Buffer {
  return hmacSha256(secret, signedString(params));
}

/**
 * Verifies a signed Vonage SMS webhook (`sig`, `timestamp`, `nonce` among its parameters).
 * The signature is compared in constant time first; only a match is then confirmed by the SDK's
 * own `verifySignature`, whose plain string comparison therefore never runs on a wrong guess.
 */
export function verifyVonageSignature(params: Readonly<Record<string, string>>, secret: string, nowSeconds: number): SignatureCheck {
  const sig = params.sig;
  if (!sig) return { ok: false, detail: 'the request is not signed: Vonage signed webhooks (a sig parameter) are required' };
  const fresh = checkFreshness(params.timestamp, nowSeconds, 'timestamp');
  if (!fresh.ok) return fresh;
  if (!matchesAnyHex([sig], expectedSignature(params, secret))) {
    return { ok: false, detail: 'sig does not match the request parameters (the method must be SHA-256 HMAC)' };
  }
  if (!vonageSms().verifySignature(sig, { ...params }, secret, VONAGE_SIGNATURE_ALGORITHM)) {
    return { ok: false, detail: 'sig does not match the request parameters' };
  }
  return { ok: true };
}

/** Signs parameters the way Vonage does (tests and local demos stand in for Vonage with it). */
export function signVonageParams(
  params: Readonly<Record<string, string>>,
  secret: string,
  nowSeconds: number,
  nonce = randomBytes(8).toString('hex'),
): Record<string, string> {
  const signed = { ...params, timestamp: String(Math.floor(nowSeconds)), nonce };
  return { ...signed, sig: expectedSignature(signed, secret).toString('hex') };
}
