import { CosmosClient, type Container, type ItemDefinition } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import https from 'node:https';
import { isLoopbackUrl } from '../system/loopback.js';

/** The HTTP status of a failed Cosmos call (404, 409, 412, 429, ...). */
export function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? Number((error as { code: unknown }).code) : undefined;
}

/** A point read: the document, or undefined when it does not exist. */
export async function readItem<T extends ItemDefinition>(container: Container, id: string, partitionKey: string): Promise<T | undefined> {
  try {
    const { resource } = await container.item(id, partitionKey).read<T>();
    return resource ?? undefined;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

export interface CosmosSettings {
  endpoint: string;
  key?: string;
  database: string;
  container: string;
  managedIdentityClientId?: string;
}

/**
 * A Cosmos client with a key (local servers, the emulator) or with managed identity (Azure).
 * Only a loopback endpoint may present a self-signed certificate, as the emulator and the
 * embedded local server do.
 */
export function createCosmosClient(settings: CosmosSettings): CosmosClient {
  const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: !isLoopbackUrl(settings.endpoint) });
  if (settings.key) return new CosmosClient({ endpoint: settings.endpoint, key: settings.key, agent });
  const credential = new DefaultAzureCredential(
    settings.managedIdentityClientId ? { managedIdentityClientId: settings.managedIdentityClientId } : {},
  );
  return new CosmosClient({ endpoint: settings.endpoint, aadCredentials: credential, agent });
}

/**
 * With a key the database and container are created when missing; with managed identity they come
 * from the Bicep templates, because Cosmos data-plane roles cannot create them.
 */
async function openContainer(client: CosmosClient, settings: CosmosSettings, container: string, partitionKeyPath: string): Promise<Container> {
  if (!settings.key) return client.database(settings.database).container(container);
  const { database } = await client.databases.createIfNotExists({ id: settings.database });
  const { container: opened } = await database.containers.createIfNotExists({ id: container, partitionKey: { paths: [partitionKeyPath] } });
  return opened;
}

export function openJobsContainer(client: CosmosClient, settings: CosmosSettings): Promise<Container> {
  return openContainer(client, settings, settings.container, '/id');
}

/** Discount codes (src/domain/discounts/documents.ts describes them), partitioned by brand. */
export function openDiscountCodesContainer(client: CosmosClient, settings: CosmosSettings, container: string): Promise<Container> {
  return openContainer(client, settings, container, '/brandId');
}
