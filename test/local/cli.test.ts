import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileApp, cosmosJobs, freePort, run, waitFor, type Running } from '../support/cli.js';
import { clientStatus, createThrowawayDatabase, insertClientJobs, type ThrowawayDatabase } from '../kit/mysql.js';
import { createClientDatabase } from '../support/clientDatabase.js';

/**
 * `npm start` as a user runs it: the compiled CLI in a child process, loading the compiled function
 * files named by package.json `main` through the worker-style require hook. The app is compiled
 * into a temporary app directory so the test never depends on (or changes) the repository's dist/.
 */
describe('npm start (compiled CLI)', () => {
  let appDir: string;
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let baseEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // `start:built` is `npm start` without the build, so a test can stop npm's process group as a terminal does.
    const startScript = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    appDir = compileApp({ 'start:built': 'node dist/dev/main.js', 'start:launch': `true && ${startScript.split('&&').at(-1)!.trim()}` });
    [client, ledger] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger')]);
    baseEnv = {
      PATH: process.env.PATH,
      CLIENT_DB_URL: client.url,
      LEDGER_DB_URL: ledger.url,
      POLL_SCHEDULE: '* * * * * *',
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all([client?.drop(), ledger?.drop()]);
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it('serves the app, texts a new job, and on SIGTERM stops cleanly keeping the Cosmos documents for the next run', async () => {
    const port = await freePort();
    const first = run(appDir, { ...baseEnv, PORT: String(port) });
    await waitFor(() => first.output().includes('Ready:'), 'the host to be ready', first);
    const out = first.output();
    expect(out).toContain(`Ready: http://127.0.0.1:${port}/api`);
    expect(out).toMatch(/pollClientJobs\s+timer\s+schedule "\* \* \* \* \* \*" \(%POLL_SCHEDULE%\)/);
    expect(out).toMatch(/sendNotification\s+service bus\s+queue sms-outbound/);
    const compiledFunctions = readdirSync(path.join(appDir, 'dist/src/functions')).filter((f) => f.endsWith('.js'));
    expect(out).toContain(`${compiledFunctions.length} function file(s)`);
    const journal = `${path.join(appDir, '.local', `cosmos-${new URL(ledger.url).pathname.slice(1)}-`)}`;
    expect(out).toMatch(/Cosmos DB\s+embedded\s+https:\/\/127\.0\.0\.1:\d+.*journaled to .*\.jsonl \(this ledger's\); 0 document\(s\) restored/);
    expect(out).toContain(journal);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);

    await insertClientJobs(client.pool, [{ id: 7 }]);
    await waitFor(async () => (await clientStatus(client.pool, 7)) === 'OPENED', 'job 7 to be OPENED', first);
    expect(first.output()).toMatch(/\[sms sandbox\] to \*\*\*456 from RepairRelay: Hi Joe/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('SIGTERM received: shutting down');
    expect(first.output()).toContain('[host] stopped');

    const second = run(appDir, { ...baseEnv, PORT: String(port) });
    await waitFor(() => second.output().includes('Ready:'), 'the host to be ready again', second);
    expect(second.output()).toContain('1 document(s) restored');
    const job = await fetch(`http://127.0.0.1:${port}/api/jobs/7`);
    expect(job.status).toBe(200);
    expect(((await job.json()) as { job: { job_status: string } }).job.job_status).toBe('OPENED');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 90_000);

  /** A fresh client and ledger database pair; `jobs` NEW jobs in the client table, first names `${prefix}<id>`. */
  const pairs: ThrowawayDatabase[] = [];
  async function databasePair(jobs: number, prefix: string): Promise<NodeJS.ProcessEnv> {
    const [pairClient, pairLedger] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger')]);
    pairs.push(pairClient, pairLedger);
    await insertClientJobs(pairClient.pool, Array.from({ length: jobs }, (_, i) => ({ id: i + 1, firstName: `${prefix}${i + 1}` })));
    return { ...baseEnv, CLIENT_DB_URL: pairClient.url, LEDGER_DB_URL: pairLedger.url, PORT: String(await freePort()) };
  }
  afterAll(() => Promise.all(pairs.map((db) => db.drop())));

  const groupGone = (group: number) => {
    try {
      process.kill(group, 0);
      return false;
    } catch {
      return true;
    }
  };
  const ready = (running: Running) => waitFor(() => running.output().includes('Ready:'), 'the host to be ready', running);
  const names = (docs: Awaited<ReturnType<typeof cosmosJobs>>) => Object.fromEntries(docs.map((doc) => [doc.id, doc.customer[0]?.client_firstname]));
  /** Waits until the host's Cosmos server holds `count` job documents and returns their first names by id. */
  async function ingested(running: Running, count: number): Promise<Record<string, string | null | undefined>> {
    let docs: Awaited<ReturnType<typeof cosmosJobs>> = [];
    await waitFor(async () => (docs = await cosmosJobs(running)).length >= count, `${count} job documents`, running, 60_000);
    return names(docs);
  }
  /** A restart that must find `expected` (first names by id) in the embedded Cosmos server, through the store and through the API. */
  async function restartFinds(env: NodeJS.ProcessEnv, expected: Record<string, unknown>): Promise<void> {
    const again = run(appDir, env);
    await ready(again);
    expect(again.output()).toContain(`${Object.keys(expected).length} document(s) restored`);
    expect(names(await cosmosJobs(again))).toEqual(expected);
    const last = Object.keys(expected).length;
    const job = await fetch(`http://127.0.0.1:${env.PORT}/api/jobs/${last}`);
    expect(job.status).toBe(200);
    expect(((await job.json()) as { job: { job_id: string } }).job.job_id).toBe(String(last));
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }

  it('keeps every Cosmos document the host wrote when it is killed with SIGKILL mid-run (no shutdown at all)', async () => {
    const env = await databasePair(300, 'Kill');
    const first = run(appDir, env);
    await ready(first);
    const before = await ingested(first, 300);
    first.child.kill('SIGKILL'); // while courtesy SMS are still being sent and recorded
    expect(await first.exited).toBeNull();
    expect(Object.keys(before)).toHaveLength(300);
    await restartFinds(env, before);
  }, 120_000);

  it("keeps the Cosmos documents when npm's process group gets SIGTERM, as Ctrl+C in a terminal sends", async () => {
    const env = await databasePair(200, 'Term');
    const first = run(appDir, env, { file: 'npm', args: ['run', '--silent', 'start:built'], options: { detached: true } });
    const group = -first.child.pid!;
    await ready(first);
    const before = await ingested(first, 200);
    process.kill(group, 'SIGTERM');
    await waitFor(() => groupGone(group), "npm's process group to exit", first);
    await restartFinds(env, before);
  }, 120_000);

  it("keeps each ledger's documents to itself: a second database pair starts empty, and an emptied ledger drops its old documents", async () => {
    const envA = await databasePair(5, 'Alice');
    const first = run(appDir, envA);
    await ready(first);
    const alice = await ingested(first, 5);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Same job ids, another customer: the second pair must see only its own documents.
    const envB = await databasePair(5, 'Bob');
    const second = run(appDir, envB);
    await ready(second);
    expect(second.output()).toContain('0 document(s) restored');
    expect(await ingested(second, 5)).toEqual({ 1: 'Bob1', 2: 'Bob2', 3: 'Bob3', 4: 'Bob4', 5: 'Bob5' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    await restartFinds(envA, alice); // the first pair's documents are still its own

    // The first ledger dropped and created again under the same URL: its old journal is not loaded.
    const ledgerA = pairs.find((db) => db.url === envA.LEDGER_DB_URL)!;
    const ledgerName = new URL(ledgerA.url).pathname.slice(1);
    await ledgerA.pool.query(`DROP DATABASE \`${ledgerName}\``);
    await ledgerA.pool.query(`CREATE DATABASE \`${ledgerName}\``);
    const third = run(appDir, envA);
    await ready(third);
    expect(third.output()).toContain('the ledger is empty, so its old journal was discarded');
    expect(await cosmosJobs(third)).toEqual([]);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 180_000);

  it('stops the whole process tree when only npm gets SIGTERM or SIGINT, as a process manager sends it, freeing the port', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const env = await databasePair(1, signal);
      // npm runs the real start script's last step (its build steps are done by compileApp) through a shell, as `npm start` does.
      const npm = run(appDir, env, { file: 'npm', args: ['run', '--silent', 'start:launch'], options: { detached: true } });
      const group = -npm.child.pid!;
      try {
        await ready(npm);
        npm.child.kill(signal); // npm alone, not its process group
        await waitFor(() => npm.output().includes('[host] stopped'), 'the host to stop with npm', npm, 20_000);
        const refused = await fetch(`http://127.0.0.1:${env.PORT}/api/health`).then(
          () => false,
          () => true,
        );
        expect(refused).toBe(true);
        await waitFor(() => groupGone(group), 'every process npm started to exit', npm, 10_000);
      } finally {
        if (!groupGone(group)) process.kill(group, 'SIGKILL');
      }
    }
  }, 120_000);

  it('fails fast with an actionable message when MySQL is unreachable', async () => {
    const started = Date.now();
    const failing = run(appDir, { ...baseEnv, PORT: String(await freePort()), CLIENT_DB_URL: 'mysql://root@127.0.0.1:1/repair_client' });
    expect(await failing.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(failing.output()).toContain('npm start could not start the local host');
    expect(failing.output()).toContain('MySQL is not reachable at mysql://root@127.0.0.1:1/repair_client');
    expect(failing.output()).toContain('CLIENT_DB_URL');
  }, 30_000);

  it('reports a bad setting by name before starting anything', async () => {
    const failing = run(appDir, { ...baseEnv, POLL_SCHEDULE: '*/5 * * * *' });
    expect(await failing.exited).toBe(1);
    expect(failing.output()).toContain('POLL_SCHEDULE: must be an NCRONTAB expression with 6 fields');
  }, 30_000);
});
