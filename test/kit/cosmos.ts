import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Container, CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { createCosmosClient, openJobsContainer, type CosmosSettings } from '../../src/adapters/cosmos/client.js';

/** The embedded server takes any well-formed key; this one opens no real account. */
export const EMBEDDED_COSMOS_KEY = Buffer.from('repair-relay test kit: any key opens the embedded Cosmos server').toString('base64');

export interface LocalCosmos {
  endpoint: string;
  settingsFor(container?: string): CosmosSettings;
  openContainer(name?: string): Promise<{ client: CosmosClient; container: Container }>;
  stop(): Promise<void>;
}

/**
 * Starts the in-process Cosmos DB server (@vercel/cosmosdb-server) on a loopback port, in memory
 * only: tests and benches start from empty, so they need none of the local host's journal.
 */
export async function startLocalCosmos(): Promise<LocalCosmos> {
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: CosmosClient[] = [];
  const settingsFor = (container = `jobs_${randomBytes(3).toString('hex')}`): CosmosSettings => ({
    endpoint,
    key: EMBEDDED_COSMOS_KEY,
    database: 'repair',
    container,
  });
  return {
    endpoint,
    settingsFor,
    async openContainer(name) {
      const settings = settingsFor(name);
      const client = createCosmosClient(settings);
      clients.push(client);
      return { client, container: await openJobsContainer(client, settings) };
    },
    async stop() {
      for (const client of clients) client.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
