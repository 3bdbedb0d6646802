import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientStatus, createClientDatabase, createThrowawayDatabase, insertClientJobs, type ThrowawayDatabase } from '../support/mysql.js';

const repo = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(appDir: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [path.join(appDir, 'dist/dev/main.js')], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, running: Running, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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
    appDir = mkdtempSync(path.join(os.tmpdir(), 'repair-relay-cli-'));
    copyFileSync(path.join(repo, 'package.json'), path.join(appDir, 'package.json'));
    copyFileSync(path.join(repo, 'host.json'), path.join(appDir, 'host.json'));
    symlinkSync(path.join(repo, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
    // As `npm start` builds: the app (tsconfig.json), then the dev host into the same dist root, so
    // dist/dev/*.js and the function files share dist/src/*.js. tsc emits even past a type error.
    for (const project of ['tsconfig.json', 'tsconfig.dev.json']) {
      spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', path.join(repo, project), '--outDir', path.join(appDir, 'dist')], { stdio: 'ignore' });
    }
    expect(existsSync(path.join(appDir, 'dist/dev/main.js'))).toBe(true);
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
    expect(out).toMatch(/sendSms\s+service bus\s+queue sms-outbound/);
    const compiledFunctions = readdirSync(path.join(appDir, 'dist/src/functions')).filter((f) => f.endsWith('.js'));
    expect(out).toContain(`${compiledFunctions.length} function file(s)`);
    expect(out).toMatch(/Cosmos DB\s+embedded\s+https:\/\/127\.0\.0\.1:\d+.*kept in .*\.local\/cosmos-snapshot\.json between runs; 0 document\(s\) restored/);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);

    await insertClientJobs(client.pool, [{ id: 7 }]);
    await waitFor(async () => (await clientStatus(client.pool, 7)) === 'OPENED', 'job 7 to be OPENED', first);
    expect(first.output()).toMatch(/\[sms sandbox\] to \*\*\*456 from RepairRelay: Hi Joe/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('SIGTERM received: shutting down');
    expect(first.output()).toMatch(/embedded Cosmos: 1 document\(s\) saved to/);
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
