import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { Container } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { buildRelay, prepareLedger, type Relay } from '../../src/compositionRoot.js';
import { provideRelay } from '../../src/processRelay.js';
import { loadConfig } from '../../src/config.js';
import { EMBEDDED_COSMOS_KEY } from '../../test/kit/cosmos.js';
import { FakeNotificationQueue } from '../../test/contracts/notifications/notificationQueue.fake.js';
import { TEST_PHONE_KEY_SECRET } from '../../test/kit/phoneKeys.js';
import { registrations } from '../../dev/functionsCore.js';
import { createBenchDatabase, type BenchCosmos, type BenchDatabase } from './stack.js';

/**
 * Calls a registered HTTP function as the host does (the library's own request, context and
 * response), with its log lines dropped. Function modules must be imported after
 * test/setup/functionsCore.js.
 */
export async function invokeHttp(
  name: string,
  body: string,
  headers: Record<string, string> = {},
  params: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const registration = registrations.get(name);
  if (!registration) throw new Error(`the ${name} function is not registered`);
  const request = new HttpRequest({
    method: 'POST',
    url: `http://localhost:7071/api/${name}`,
    headers: { 'content-type': 'application/json', ...headers },
    params,
    body: { string: body },
  });
  const context = new InvocationContext({ functionName: name, invocationId: randomUUID(), logHandler: () => undefined });
  const response = new HttpResponse((await registration.handler(request, context)) as HttpResponseInit);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface BenchRelay {
  relay: Relay;
  client: BenchDatabase;
  ledger: BenchDatabase;
  container: Container;
  /** Closes the relay and drops its databases and container. */
  stop(): Promise<void>;
}

/** buildRelay over throwaway databases and a Cosmos container, provided to the functions as getRelay(). */
export async function startBenchRelay(cosmos: BenchCosmos, purpose: string, settings: Record<string, string> = {}): Promise<BenchRelay> {
  const client = await createBenchDatabase(`client_${purpose}`);
  const ledger = await createBenchDatabase(`ledger_${purpose}`);
  const containerName = `jobs_bench_${purpose}_${Date.now()}`;
  const { container } = await cosmos.open(containerName);
  const config = loadConfig(
    {
      CLIENT_DB_URL: client.url,
      LEDGER_DB_URL: ledger.url,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMBEDDED_COSMOS_KEY,
      COSMOS_JOBS_CONTAINER: containerName,
      VONAGE_API_KEY: 'k',
      VONAGE_API_SECRET: 's',
      PHONE_KEY_SECRET: TEST_PHONE_KEY_SECRET,
      // Benchmarks post webhooks unsigned on loopback, as the local host accepts them.
      ALLOW_UNSIGNED_WEBHOOKS: 'true',
      ...settings,
    },
    { localHost: true },
  );
  await prepareLedger(config);
  const relay = await buildRelay(config, { queue: new FakeNotificationQueue() });
  provideRelay(async () => relay);
  return {
    relay,
    client,
    ledger,
    container,
    async stop() {
      await container.delete().catch(() => undefined);
      await relay.close();
      await Promise.allSettled([client.drop(), ledger.drop()]);
    },
  };
}
