import { createHttpsServer } from '@vercel/cosmosdb-server';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { databaseName } from '../src/adapters/mysql/pool.js';

/** The Cosmos DB emulator's published key; the embedded server accepts any well-formed key. */
export const LOCAL_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface EmbeddedCosmos {
  endpoint: string;
  key: string;
  /** The journal that keeps the server's data between runs; undefined: memory only. */
  journalPath: string | undefined;
  /** Documents loaded from the journal at start. */
  restored: number;
  /** True when a journal existed but was not loaded (its ledger database is new). */
  discarded: boolean;
  stop(): Promise<void>;
}

/** The journal of one ledger database: `<dir>/cosmos-<database>-<hash of host:port/database>.jsonl`. */
export function cosmosJournalPath(dir: string, ledgerUrl: string): string {
  const url = new URL(ledgerUrl);
  const database = databaseName(ledgerUrl);
  const hash = createHash('sha256').update(`${url.hostname.toLowerCase()}:${url.port || 3306}/${database}`).digest('hex').slice(0, 12);
  return path.join(dir, `cosmos-${database}-${hash}.jsonl`);
}

// The parts of @vercel/cosmosdb-server 1.0.1's in-memory store (lib/account/items.js) the journal uses.
type Data = Record<string, unknown> & { id: string; _rid: string };
interface Entry {
  read(): Data | undefined;
  collections?: Store;
  documents?: Store;
}
interface Store {
  _data: Map<string, Entry>;
  _set(data: Data): Data;
  delete(id: string, partition?: unknown): void;
  upsert(data: Data): Data;
  _item(keyPath: '/id', id: string, partition: unknown): Entry;
  _getPartition(data: Data): unknown;
}
interface Account {
  databases: Store;
}
/** One journal line: `at` is [] for databases, [db] for its containers, [db, container] for its documents. */
type Record_ = { at: string[]; set: Data } | { at: string[]; del: string; pk?: unknown };

/**
 * The server builds its store (an Account) when it starts listening, out of reach; a subclass
 * installed once on the library's module records each Account by port, changing nothing else.
 */
function accountsByPort(): Map<number, Account> {
  type AccountClass = (new (host: string, port: number) => Account) & { byPort?: Map<number, Account> };
  const accountModule = createRequire(__filename)('@vercel/cosmosdb-server/lib/account') as { default: AccountClass };
  if (!accountModule.default.byPort) {
    const byPort = new Map<number, Account>();
    accountModule.default = Object.assign(
      class extends accountModule.default {
        constructor(host: string, port: number) {
          super(host, port);
          byPort.set(port, this);
        }
      },
      { byPort },
    );
  }
  return accountModule.default.byPort!;
}

/**
 * Calls `write` for every change of `store` and of the stores below it (containers of a database,
 * documents of a container), synchronously, inside the request that makes the change: the line is
 * in the file before the response leaves. Every write path (create, replace, upsert, patch, batch,
 * delete) goes through `_set` and `delete`.
 */
function watch(store: Store, at: string[], write: (record: Record_) => void): void {
  const set = store._set.bind(store);
  const remove = store.delete.bind(store);
  store._set = (data) => {
    const stored = set(data);
    const entry = store._data.get(stored._rid)!;
    if (at.length < 2) watch((entry.collections ?? entry.documents)!, [...at, stored.id], write);
    write({ at, set: stored });
    return stored;
  };
  store.delete = (id, partition) => {
    const data = store._item('/id', id, partition).read();
    remove(id, partition);
    if (data) write({ at, del: data.id, pk: store._getPartition(data) });
  };
}

function storeAt(account: Account, at: string[]): Store {
  let store = account.databases;
  for (const id of at) {
    const entry = store._item('/id', id, id);
    if (!entry.read()) throw new Error(`${at.join('/')} is used before it is created`);
    store = (entry.collections ?? entry.documents)!;
  }
  return store;
}

/** Replays journal lines into the store directly (no HTTP); keeps each item's `_etag` and `_ts`. */
function replay(account: Account, text: string): void {
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or a line cut short by a crash: its write never returned
  lines.forEach((line, n) => {
    let record: Record_;
    try {
      record = JSON.parse(line) as Record_;
    } catch (error) {
      throw new Error(`line ${n + 1} is not JSON (${(error as Error).message})`, { cause: error });
    }
    const store = storeAt(account, record.at);
    if ('set' in record) Object.assign(store.upsert(record.set), { _etag: record.set._etag, _ts: record.set._ts });
    else store.delete(record.del, record.pk);
  });
}

/** Every database, container and document as journal lines, parents first. */
function* currentState(account: Account): Generator<string> {
  const line = (at: string[], entry: Entry) => `${JSON.stringify({ at, set: entry.read() })}\n`;
  for (const database of account.databases._data.values()) {
    const db = database.read()!.id;
    yield line([], database);
    for (const container of database.collections!._data.values()) {
      yield line([db], container);
      for (const document of container.documents!._data.values()) yield line([db, container.read()!.id], document);
    }
  }
}

const countDocuments = (account: Account) =>
  [...account.databases._data.values()].reduce((n, db) => n + [...db.collections!._data.values()].reduce((m, c) => m + c.documents!._data.size, 0), 0);

/**
 * Starts the in-process Cosmos DB server (@vercel/cosmosdb-server) on a loopback port. It keeps data
 * in memory; with a journal path every change is also appended to that file as it happens, so a
 * process killed any way loses nothing. At start the journal is loaded straight into the store
 * and rewritten as the current state (compaction), unless `discardJournal` says it is stale.
 */
export async function startEmbeddedCosmos(options: { port?: number; journalPath?: string; discardJournal?: boolean } = {}): Promise<EmbeddedCosmos> {
  const { journalPath } = options;
  const accounts = journalPath ? accountsByPort() : undefined;
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let fd: number | undefined;
  const close = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  let restored = 0;
  const discarded = Boolean(journalPath && options.discardJournal && existsSync(journalPath));
  if (journalPath) {
    const account = accounts!.get(port);
    accounts!.delete(port);
    try {
      if (!account) throw new Error('this @vercel/cosmosdb-server version built no store the journal knows');
      watch(account.databases, [], (record) => fd !== undefined && writeSync(fd, `${JSON.stringify(record)}\n`));
      if (!discarded && existsSync(journalPath)) replay(account, readFileSync(journalPath, 'utf8'));
      restored = countDocuments(account);
      mkdirSync(path.dirname(journalPath), { recursive: true });
      const compacted = openSync(`${journalPath}.tmp`, 'w');
      try {
        for (const line of currentState(account)) writeSync(compacted, line);
        fsyncSync(compacted);
      } finally {
        closeSync(compacted);
      }
      renameSync(`${journalPath}.tmp`, journalPath);
      fd = openSync(journalPath, 'a');
    } catch (error) {
      await close();
      throw new Error(`could not load the embedded Cosmos journal ${journalPath}: ${(error as Error).message}; delete it to start empty`, { cause: error });
    }
  }
  return { endpoint: `https://127.0.0.1:${port}`, key: LOCAL_COSMOS_KEY, journalPath, restored, discarded, stop: close };
}
