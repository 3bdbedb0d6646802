import { createHash, createHmac } from 'node:crypto';
import { AlgorithmTypes } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  signVonageParams,
  VONAGE_SIGNATURE_ALGORITHM,
  verifyVonageSignature,
} from '../../../src/adapters/vonage/webhookSignature.js';

const SECRET = 'vonage-signature-secret';
const NOW = 1_795_000_000;
const RECEIPT = {
  msisdn: '447770123456',
  to: 'RepairRelay',
  messageId: '0B00000127FDBC63',
  status: 'delivered',
  'err-code': '0',
  'message-timestamp': '2026-11-23 09:10:11',
  'client-ref': 'job-1-received',
};

describe('Vonage webhook signatures', () => {
  afterEach(() => vi.restoreAllMocks());

  it('uses the SDK’s SHA-256 HMAC method', () => {
    expect(VONAGE_SIGNATURE_ALGORITHM).toBe(AlgorithmTypes.sha256hmac);
  });

  it('signs the way the Vonage SDK verifies, including values holding & and =', () => {
    const signed = signVonageParams({ ...RECEIPT, text: 'a=b&c=d 5 stars' }, SECRET, NOW, 'nonce-1');
    const sdk = new SMS({ apiKey: 'k', apiSecret: 's' });
    expect(sdk.verifySignature(signed.sig!, signed, SECRET, AlgorithmTypes.sha256hmac)).toBe(true);
    expect(sdk.verifySignature(signed.sig!, { ...signed, status: 'failed' }, SECRET, AlgorithmTypes.sha256hmac)).toBe(false);
  });

  it('matches the signing rule of the Vonage documentation, computed by hand', () => {
    const signed = signVonageParams({ b: '2', a: 'x&y=z' }, SECRET, NOW, 'n');
    const expected = createHmac('sha256', SECRET).update(`&a=x_y_z&b=2&nonce=n&timestamp=${NOW}`).digest('hex');
    expect(signed.sig).toBe(expected);
    expect(signed.sig).not.toBe(createHash('md5').update(`&a=x_y_z&b=2&nonce=n&timestamp=${NOW}${SECRET}`).digest('hex'));
  });

  it('accepts a correctly signed request within 300 s, in either hex case', () => {
    const signed = signVonageParams(RECEIPT, SECRET, NOW);
    expect(verifyVonageSignature(signed, SECRET, NOW + 299)).toEqual({ ok: true });
    expect(verifyVonageSignature({ ...signed, sig: signed.sig!.toUpperCase() }, SECRET, NOW - 299)).toEqual({ ok: true });
  });

  it.each([
    ['unsigned', (p: Record<string, string>) => ({ ...RECEIPT, timestamp: p.timestamp! }), 'not signed'],
    ['signed with another secret', () => signVonageParams(RECEIPT, 'other-secret', NOW), 'does not match'],
    ['tampered with', (p: Record<string, string>) => ({ ...p, status: 'failed' }), 'does not match'],
    ['given an extra parameter', (p: Record<string, string>) => ({ ...p, extra: '1' }), 'does not match'],
    ['signed with MD5 hash', (p: Record<string, string>) => ({ ...p, sig: createHash('md5').update(`x${SECRET}`).digest('hex') }), 'does not match'],
    ['signed with a non-hex sig', (p: Record<string, string>) => ({ ...p, sig: 'zz' }), 'does not match'],
    ['without a timestamp', (p: Record<string, string>) => ({ ...p, timestamp: '' }), 'timestamp'],
    ['replayed 301 s later', () => signVonageParams(RECEIPT, SECRET, NOW - 301), 'more than 300 s'],
    ['dated 301 s ahead', () => signVonageParams(RECEIPT, SECRET, NOW + 301), 'more than 300 s'],
  ])('refuses a request %s', (_case, mutate, detail) => {
    const params = mutate(signVonageParams(RECEIPT, SECRET, NOW));
    const check = verifyVonageSignature(params, SECRET, NOW);
    expect(check).toEqual({ ok: false, detail: expect.stringContaining(detail) });
  });

  it('never lets the SDK’s plain string comparison see a wrong signature, and has it confirm a right one', () => {
    const spy = vi.spyOn(SMS.prototype, 'verifySignature');
    const signed = signVonageParams(RECEIPT, SECRET, NOW);
    const wrong = `${signed.sig!.slice(0, 60)}0000`;
    expect(verifyVonageSignature({ ...signed, sig: wrong }, SECRET, NOW).ok).toBe(false);
    expect(spy).not.toHaveBeenCalled();
    expect(verifyVonageSignature(signed, SECRET, NOW).ok).toBe(true);
    expect(spy).toHaveBeenCalledWith(signed.sig, signed, SECRET, AlgorithmTypes.sha256hmac);
  });

  it('refuses a signature the SDK does not confirm', () => {
    vi.spyOn(SMS.prototype, 'verifySignature').mockReturnValue(false);
    expect(verifyVonageSignature(signVonageParams(RECEIPT, SECRET, NOW), SECRET, NOW)).toEqual({ ok: false, detail: expect.stringContaining('does not match') });
  });
});
