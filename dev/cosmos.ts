import { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** The Cosmos DB emulator's published key; the embedded server accepts any well-formed key. */
export const LOCAL_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface EmbeddedCosmos {
  endpoint: string;
  key: string;
  /** Documents restored from the snapshot at start. */
  restored: number;
  snapshotPath: string | undefined;
  /** Writes the snapshot (when there is a snapshot path) and stops the server. */
  stop(): Promise<{ saved: number }>;
}

type Snapshot = Array<{ database: string; container: string; partitionKeyPaths: string[]; items: Array<Record<string, unknown>> }>;

const SYSTEM_PROPERTIES = new Set(['_rid', '_self', '_etag', '_attachments', '_ts']);

async function withClient<T>(endpoint: string, use: (cosmos: CosmosClient) => Promise<T>): Promise<T> {
  const cosmos = new CosmosClient({ endpoint, key: LOCAL_COSMOS_KEY, agent: new https.Agent({ rejectUnauthorized: false, keepAlive: false }) });
  try {
    return await use(cosmos);
  } finally {
    cosmos.dispose();
  }
}

const takeSnapshot = (endpoint: string) =>
  withClient(endpoint, async (cosmos) => {
    const snapshot: Snapshot = [];
    for (const { id: database } of (await cosmos.databases.readAll().fetchAll()).resources) {
      for (const c of (await cosmos.database(database).containers.readAll().fetchAll()).resources) {
        const { resources: items } = await cosmos.database(database).container(c.id).items.readAll().fetchAll();
        const clean = items.map((item) => Object.fromEntries(Object.entries(item).filter(([k]) => !SYSTEM_PROPERTIES.has(k))));
        snapshot.push({ database, container: c.id, partitionKeyPaths: c.partitionKey?.paths ?? ['/id'], items: clean });
      }
    }
    return snapshot;
  });

const restoreSnapshot = (endpoint: string, snapshot: Snapshot) =>
  withClient(endpoint, async (cosmos) => {
    for (const entry of snapshot) {
      const { database } = await cosmos.databases.createIfNotExists({ id: entry.database });
      const { container } = await database.containers.createIfNotExists({ id: entry.container, partitionKey: { paths: entry.partitionKeyPaths } });
      for (const item of entry.items) await container.items.upsert(item);
    }
    return snapshot.reduce((n, entry) => n + entry.items.length, 0);
  });

/**
 * Starts the in-process Cosmos DB server (@vercel/cosmosdb-server) on a loopback port. It keeps data
 * in memory; with a snapshot path its documents are saved on a clean stop and loaded on the next
 * start, so a restarted `npm start` still has its jobs.
 */
export async function startEmbeddedCosmos(options: { port?: number; snapshotPath?: string } = {}): Promise<EmbeddedCosmos> {
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const { snapshotPath } = options;
  let restored = 0;
  if (snapshotPath && existsSync(snapshotPath)) {
    try {
      const saved = JSON.parse(readFileSync(snapshotPath, 'utf8')) as Snapshot | { databases: Array<{ id: string; containers: Array<Snapshot[number] & { id: string }> }> };
      // Snapshots written before the host moved to dev/ nest containers in databases.
      const flat = Array.isArray(saved) ? saved : saved.databases.flatMap((d) => d.containers.map((c) => ({ ...c, database: d.id, container: c.id })));
      restored = await restoreSnapshot(endpoint, flat);
    } catch (error) {
      await close();
      throw new Error(`could not restore the embedded Cosmos snapshot ${snapshotPath}: ${(error as Error).message}; delete it to start empty`, { cause: error });
    }
  }
  return {
    endpoint,
    key: LOCAL_COSMOS_KEY,
    restored,
    snapshotPath,
    async stop() {
      try {
        if (!snapshotPath) return { saved: 0 };
        const snapshot = await takeSnapshot(endpoint);
        mkdirSync(path.dirname(snapshotPath), { recursive: true });
        writeFileSync(`${snapshotPath}.tmp`, JSON.stringify(snapshot));
        renameSync(`${snapshotPath}.tmp`, snapshotPath);
        return { saved: snapshot.reduce((n, entry) => n + entry.items.length, 0) };
      } finally {
        await close();
      }
    },
  };
}
