import type { Container, CosmosClient } from '@azure/cosmos';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCosmosClient } from '../../src/adapters/cosmos/client.js';
import { cosmosJournalPath, LOCAL_COSMOS_KEY, startEmbeddedCosmos, type EmbeddedCosmos } from '../../dev/cosmos.js';

/**
 * The embedded Cosmos server's journal (dev/cosmos.ts) through every write path the SDK has, with
 * the second server started on the journal while the first still runs: nothing is saved at
 * shutdown, so this is what a killed process leaves behind.
 */
describe('embedded Cosmos journal', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'repair-relay-journal-'));
  const running: EmbeddedCosmos[] = [];
  const clients: CosmosClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.dispose());
    await Promise.all(running.splice(0).map((server) => server.stop()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function open(journalPath: string, options: { discardJournal?: boolean } = {}): Promise<{ server: EmbeddedCosmos; container: Container }> {
    const server = await startEmbeddedCosmos({ journalPath, ...options });
    running.push(server);
    const client = createCosmosClient({ endpoint: server.endpoint, key: LOCAL_COSMOS_KEY, database: 'repair', container: 'jobs' });
    clients.push(client);
    const { database } = await client.databases.createIfNotExists({ id: 'repair' });
    const { container } = await database.containers.createIfNotExists({ id: 'jobs', partitionKey: { paths: ['/id'] } });
    return { server, container };
  }
  const everything = async (container: Container) =>
    Object.fromEntries((await container.items.readAll().fetchAll()).resources.map(({ _rid: _, _self: __, ...doc }) => [doc.id, doc]));

  it('replays create, upsert, replace, patch, bulk and delete straight into a new server, keeping _etag and _ts', async () => {
    const journal = cosmosJournalPath(dir, 'mysql://root@127.0.0.1:3306/rr_journal_a');
    const { container } = await open(journal);
    for (let i = 1; i <= 20; i++) await container.items.create({ id: String(i), name: `n${i}` });
    await container.items.upsert({ id: '2', name: 'upserted' });
    await container.item('3', '3').replace({ id: '3', name: 'replaced' });
    await container.item('4', '4').patch([{ op: 'set', path: '/name', value: 'patched' }]);
    await container.item('5', '5').delete();
    await container.items.bulk([
      { operationType: 'Create', resourceBody: { id: 'b1', name: 'bulk' } },
      { operationType: 'Upsert', resourceBody: { id: '6', name: 'bulk upsert' } },
      { operationType: 'Delete', id: '7', partitionKey: '7' },
    ]);
    const before = await everything(container);
    expect(Object.keys(before)).toHaveLength(19);

    const { server, container: again } = await open(journal); // the first server was never stopped
    expect(server.restored).toBe(19);
    expect(await everything(again)).toEqual(before);
    await again.items.create({ id: 'after', name: 'new' }); // new rids do not collide with restored ones
    expect(Object.keys(await everything(again))).toHaveLength(20);
  });

  it('drops a last line cut short by a crash, and names the journal when an earlier line is unreadable', async () => {
    const journal = cosmosJournalPath(dir, 'mysql://root@127.0.0.1:3306/rr_journal_b');
    const { container } = await open(journal);
    await container.items.create({ id: '1', name: 'kept' });
    appendFileSync(journal, '{"at":["repair","jobs"],"set":{"id":"2","na');
    const { server } = await open(journal);
    expect(server.restored).toBe(1);

    writeFileSync(journal, `not json\n${readFileSync(journal, 'utf8')}`);
    await expect(startEmbeddedCosmos({ journalPath: journal })).rejects.toThrow(`could not load the embedded Cosmos journal ${journal}`);
  });

  it('keys journals by ledger host, port and database, and starts empty when told the journal is stale', async () => {
    const a = cosmosJournalPath(dir, 'mysql://root@127.0.0.1:3306/rr_journal_c');
    expect(cosmosJournalPath(dir, 'mysql://other:secret@127.0.0.1:3306/rr_journal_c')).toBe(a);
    expect(cosmosJournalPath(dir, 'mysql://root@127.0.0.1:3307/rr_journal_c')).not.toBe(a);
    expect(cosmosJournalPath(dir, 'mysql://root@127.0.0.1:3306/rr_journal_d')).not.toBe(a);
    expect(path.basename(a)).toMatch(/^cosmos-rr_journal_c-[0-9a-f]{12}\.jsonl$/);

    const { container } = await open(a);
    await container.items.create({ id: '1', name: 'stale' });
    const { server, container: fresh } = await open(a, { discardJournal: true });
    expect(server.restored).toBe(0);
    expect(await everything(fresh)).toEqual({});
  });
});
