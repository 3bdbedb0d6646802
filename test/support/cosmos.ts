import { randomBytes } from 'node:crypto';
import type { Container, CosmosClient } from '@azure/cosmos';
import { createCosmosClient, openJobsContainer, type CosmosSettings } from '../../src/adapters/cosmos/client.js';
import { LOCAL_COSMOS_KEY, startEmbeddedCosmos } from '../../dev/cosmos.js';

export { LOCAL_COSMOS_KEY };

export interface LocalCosmos {
  endpoint: string;
  settingsFor(container?: string): CosmosSettings;
  openContainer(name?: string): Promise<{ client: CosmosClient; container: Container }>;
  stop(): Promise<void>;
}

export async function startLocalCosmos(): Promise<LocalCosmos> {
  const server = await startEmbeddedCosmos();
  const endpoint = server.endpoint;
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
      await server.stop();
    },
  };
}
