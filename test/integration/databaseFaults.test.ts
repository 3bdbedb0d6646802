import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelay, type Relay } from '../../src/compositionRoot.js';
import { loadConfig } from '../../src/config.js';
import { insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { startFaultProxy, type FaultProxy } from '../kit/tcpProxy.js';

/** The relay's MySQL connections go through a proxy that can freeze or cut them (issue: faults found by injection). */
describe('database faults', () => {
  let stack: RealStack;
  let proxy: FaultProxy;
  let relay: Relay;

  beforeAll(async () => {
    stack = await startRealStack();
    proxy = await startFaultProxy(Number(new URL(stack.client.url).port || 3306));
    relay = await buildRelay(
      loadConfig({ ...stack.env, CLIENT_DB_URL: proxy.urlFor(stack.client.url), LEDGER_DB_URL: proxy.urlFor(stack.ledger.url) }, { localHost: true }),
      { queue: stack.queue },
    );
  });

  afterAll(async () => {
    await relay?.close();
    await proxy?.close();
    await stack?.stop();
  });

  it('health answers unreachable rather than hanging while the database is frozen, and ok after', async () => {
    expect(await relay.checkHealth()).toEqual({ clientDb: 'ok', ledgerDb: 'ok', cosmos: 'ok' });
    proxy.freeze();
    try {
      expect(await relay.checkHealth()).toEqual({ clientDb: 'unreachable', ledgerDb: 'unreachable', cosmos: 'ok' });
    } finally {
      proxy.heal();
    }
    await expect.poll(() => relay.checkHealth(), { timeout: 15_000, interval: 250 }).toEqual({ clientDb: 'ok', ledgerDb: 'ok', cosmos: 'ok' });
  });

  it('a poll during a freeze fails instead of hanging, and the next poll ingests what it missed', async () => {
    await insertClientJobs(stack.client.pool, [{ id: 1 }, { id: 2 }]);
    proxy.freeze();
    try {
      await expect(relay.pollClientJobs()).rejects.toThrow();
    } finally {
      proxy.heal();
    }
    const report = await relay.pollClientJobs();
    expect(report.ingested).toBe(2);
  }, 40_000);

  it('a poll whose connections are cut fails, and the next one resumes', async () => {
    await insertClientJobs(stack.client.pool, [{ id: 3 }]);
    await relay.checkHealth(); // the pools hold open connections to cut
    proxy.cut();
    const first = await relay.pollClientJobs().then(
      (report) => report.ingested,
      () => 0,
    );
    const second = await relay.pollClientJobs();
    expect(first + second.ingested).toBe(1);
  });
});
