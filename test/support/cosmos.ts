import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { Container, CosmosClient } from '@azure/cosmos';
import { createCosmosClient, openJobsContainer, type CosmosSettings } from '../../src/adapters/cosmos/client.js';

/** The embedded Cosmos server accepts any well-formed key; this one is the emulator's public key. */
export const LOCAL_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface LocalCosmos {
  endpoint: string;
  settingsFor(container?: string): CosmosSettings;
  openContainer(name?: string): Promise<{ client: CosmosClient; container: Container }>;
  stop(): Promise<void>;
}

export async function startLocalCosmos(): Promise<LocalCosmos> {
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: CosmosClient[] = [];
  const settingsFor = (container = `jobs_${randomBytes(3).toString('hex')}`): CosmosSettings => ({
    endpoint,
    key: LOCAL_COSMOS_KEY,
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
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
