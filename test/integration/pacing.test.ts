import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/adapters/system/tokenBucket.js';
import { vonageInstanceRate } from '../../src/modules/notifications.js';
import { loadConfig } from '../../src/config.js';

describe('Vonage pacing at scale-out', () => {
  it('gives each instance the account rate divided by the instances that may send, fractions included', () => {
    const config = loadConfig({ VONAGE_MAX_RPS: '30', VONAGE_SENDING_INSTANCES: '40' });
    expect(vonageInstanceRate(config)).toBe(0.75);
    expect(loadConfig({ VONAGE_MAX_RPS: '2.5' }).VONAGE_MAX_RPS).toBe(2.5);
    expect(vonageInstanceRate(loadConfig({}))).toBe(30);
    expect(() => loadConfig({ VONAGE_MAX_RPS: '0' })).toThrow(/VONAGE_MAX_RPS/);
  });

  it('sends at a rate below one a second: one at once, the next when its token has grown', async () => {
    const bucket = new TokenBucket(0.8);
    const started = performance.now();
    await bucket.acquire();
    expect(performance.now() - started).toBeLessThan(100);
    await bucket.acquire();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_200);
    expect(waited).toBeLessThan(2_500);
  });
});
