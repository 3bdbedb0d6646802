import { createHttpsServer } from '@vercel/cosmosdb-server';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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
  stop(): Promise<void>;
}

/** The journal of one ledger database: `<dir>/cosmos-<database>-<hash of host:port/database>.jsonl`. */
export function cosmosJournalPath(dir: string, ledgerUrl: string): string {
  const { hostname, port } = new URL(ledgerUrl);
  const database = databaseName(ledgerUrl);
  return path.join(dir, `cosmos-${database}-${createHash('sha256').update(`${hostname.toLowerCase()}:${port || 3306}/${database}`).digest('hex').slice(0, 12)}.jsonl`);
}

// What the journal uses of @vercel/cosmosdb-server 1.0.1's in-memory store (lib/account/items.js).
type Data = Record<string, unknown> & { id: string; _rid: string };
type Entry = { read(): Data; collections?: Store; documents?: Store };
type Store = { _data: Map<string, Entry>; _set(data: Data): Data; delete(id: string, pk?: unknown): void; upsert(data: Data): Data; _item(keyPath: '/id', id: string, pk: unknown): Entry; _getPartition(data: Data): unknown };
type Account = { databases: Store };
/** One journal line; `at` is [] for databases, [db] for a database's containers, [db, container] for a container's documents. */
type Line = { at: string[]; set: Data } | { at: string[]; del: string; pk?: unknown };
const children = (entry: Entry) => (entry.collections ?? entry.documents)!;

/** The server builds its store when it starts listening, out of reach: a subclass of its Account, installed once, notes each by port. */
function accountsByPort(): Map<number, Account> {
  const library = createRequire(__filename)('@vercel/cosmosdb-server/lib/account') as { default: (new (host: string, port: number) => Account) & { byPort?: Map<number, Account> } };
  if (library.default.byPort) return library.default.byPort;
  const byPort = new Map<number, Account>();
  library.default = Object.assign(
    class extends library.default {
      constructor(host: string, port: number) {
        super(host, port);
        byPort.set(port, this);
      }
    },
    { byPort },
  );
  return byPort;
}

/**
 * Passes every change of `store` and of the stores below it to `write`, synchronously, inside the
 * request making it (so before its response). Every write path (create, replace, upsert, patch,
 * batch, delete) ends in `_set` or `delete`.
 */
function watch(store: Store, at: string[], write: (line: Line) => void): void {
  const [set, remove] = [store._set.bind(store), store.delete.bind(store)];
  store._set = (data) => {
    const stored = set(data);
    if (at.length < 2) watch(children(store._data.get(stored._rid)!), [...at, stored.id], write);
    write({ at, set: stored });
    return stored;
  };
  store.delete = (id, pk) => {
    const data = store._item('/id', id, pk).read();
    remove(id, pk);
    if (data) write({ at, del: data.id, pk: store._getPartition(data) });
  };
}

/** Replays the journal into the store directly (no HTTP), keeping `_etag` and `_ts`. */
function replay(account: Account, text: string): void {
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or a line cut short by a crash: its request never got an answer
  lines.forEach((text, n) => {
    const line = JSON.parse(text) as Line;
    const store = line.at.reduce((parent, id) => {
      const entry = parent._item('/id', id, id);
      if (!entry.read()) throw new Error(`line ${n + 1} uses ${line.at.join('/')} before it is created`);
      return children(entry);
    }, account.databases);
    if ('set' in line) Object.assign(store.upsert(line.set), { _etag: line.set._etag, _ts: line.set._ts });
    else store.delete(line.del, line.pk);
  });
}

/** Every item below `store` as journal lines, parents first. */
function* state(store: Store, at: string[]): Generator<Line> {
  for (const entry of store._data.values()) {
    yield { at, set: entry.read() };
    if (at.length < 2) yield* state(children(entry), [...at, entry.read().id]);
  }
}

/**
 * Starts the in-process Cosmos DB server (@vercel/cosmosdb-server) on a loopback port. It keeps data
 * in memory; with a journal path every change is also appended to that file as it happens, so a
 * process stopped any way loses nothing. At start the journal (unless `discardJournal`) is loaded
 * straight into the store, then rewritten as the current state and appended to from there.
 */
export async function startEmbeddedCosmos(options: { port?: number; journalPath?: string; discardJournal?: boolean } = {}): Promise<EmbeddedCosmos> {
  const { journalPath } = options;
  const accounts = journalPath ? accountsByPort() : undefined;
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let fd: number | undefined;
  const stop = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  let restored = 0;
  if (journalPath && accounts) {
    const account = accounts.get(port);
    accounts.delete(port);
    try {
      if (!account) throw new Error('this @vercel/cosmosdb-server version has no store the journal knows');
      watch(account.databases, [], (line) => fd !== undefined && writeSync(fd, `${JSON.stringify(line)}\n`));
      if (!options.discardJournal && existsSync(journalPath)) replay(account, readFileSync(journalPath, 'utf8'));
      // Compaction: the current state to a temporary file, flushed, then in the journal's place.
      const lines = [...state(account.databases, [])];
      restored = lines.filter((line) => line.at.length === 2).length;
      mkdirSync(path.dirname(journalPath), { recursive: true });
      writeFileSync(`${journalPath}.tmp`, lines.map((line) => `${JSON.stringify(line)}\n`).join(''), { flush: true });
      renameSync(`${journalPath}.tmp`, journalPath);
      fd = openSync(journalPath, 'a');
    } catch (error) {
      await stop();
      throw new Error(`could not load the embedded Cosmos journal ${journalPath}: ${(error as Error).message}; delete it to start empty`, { cause: error });
    }
  }
  return { endpoint: `https://127.0.0.1:${port}`, key: LOCAL_COSMOS_KEY, journalPath, restored, stop };
}
