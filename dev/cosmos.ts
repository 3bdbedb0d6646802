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

export interface EmbeddedCosmosOptions {
  port?: number;
  host?: string;
  /**
   * The embedded server keeps data in memory; with a snapshot path its documents are saved on a
   * clean stop and loaded on the next start, so a restarted `npm start` still has its jobs.
   */
  snapshotPath?: string;
}

interface Snapshot {
  version: 1;
  savedAt: string;
  databases: Array<{ id: string; containers: Array<{ id: string; partitionKeyPaths: string[]; items: Array<Record<string, unknown>> }> }>;
}

const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts'];

function client(endpoint: string): CosmosClient {
  return new CosmosClient({ endpoint, key: LOCAL_COSMOS_KEY, agent: new https.Agent({ rejectUnauthorized: false, keepAlive: false }) });
}

async function takeSnapshot(endpoint: string): Promise<Snapshot> {
  const cosmos = client(endpoint);
  try {
    const snapshot: Snapshot = { version: 1, savedAt: new Date().toISOString(), databases: [] };
    const { resources: databases } = await cosmos.databases.readAll().fetchAll();
    for (const db of databases) {
      const entry: Snapshot['databases'][number] = { id: db.id, containers: [] };
      const { resources: containers } = await cosmos.database(db.id).containers.readAll().fetchAll();
      for (const c of containers) {
        const { resources: items } = await cosmos.database(db.id).container(c.id).items.readAll().fetchAll();
        entry.containers.push({
          id: c.id,
          partitionKeyPaths: c.partitionKey?.paths ?? ['/id'],
          items: items.map((item) => Object.fromEntries(Object.entries(item).filter(([k]) => !SYSTEM_PROPERTIES.includes(k)))),
        });
      }
      snapshot.databases.push(entry);
    }
    return snapshot;
  } finally {
    cosmos.dispose();
  }
}

async function restoreSnapshot(endpoint: string, snapshot: Snapshot): Promise<number> {
  const cosmos = client(endpoint);
  let restored = 0;
  try {
    for (const db of snapshot.databases) {
      const { database } = await cosmos.databases.createIfNotExists({ id: db.id });
      for (const c of db.containers) {
        const { container } = await database.containers.createIfNotExists({ id: c.id, partitionKey: { paths: c.partitionKeyPaths } });
        for (const item of c.items) {
          await container.items.upsert(item);
          restored += 1;
        }
      }
    }
    return restored;
  } finally {
    cosmos.dispose();
  }
}

/** Starts the in-process Cosmos DB server (@vercel/cosmosdb-server) on a loopback port. */
export async function startEmbeddedCosmos(options: EmbeddedCosmosOptions = {}): Promise<EmbeddedCosmos> {
  const server = createHttpsServer({ keepAlive: true });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `https://${host}:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  let restored = 0;
  const snapshotPath = options.snapshotPath;
  if (snapshotPath && existsSync(snapshotPath)) {
    try {
      restored = await restoreSnapshot(endpoint, JSON.parse(readFileSync(snapshotPath, 'utf8')) as Snapshot);
    } catch (error) {
      await close();
      throw new Error(`could not restore the embedded Cosmos snapshot ${snapshotPath}: ${(error as Error).message}; delete it to start empty`);
    }
  }

  return {
    endpoint,
    key: LOCAL_COSMOS_KEY,
    restored,
    snapshotPath,
    async stop() {
      let saved = 0;
      try {
        if (snapshotPath) {
          const snapshot = await takeSnapshot(endpoint);
          saved = snapshot.databases.reduce((n, db) => n + db.containers.reduce((m, c) => m + c.items.length, 0), 0);
          mkdirSync(path.dirname(snapshotPath), { recursive: true });
          const temporary = `${snapshotPath}.tmp`;
          writeFileSync(temporary, JSON.stringify(snapshot));
          renameSync(temporary, snapshotPath);
        }
      } finally {
        await close();
      }
      return { saved };
    },
  };
}
