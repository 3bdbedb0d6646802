import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createCosmosClient } from '../../src/adapters/cosmos/client.js';
import type { JobDocument } from '../../src/domain/jobs/job.js';
import { EMBEDDED_COSMOS_KEY } from '../kit/cosmos.js';

const repo = path.resolve(__dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The app as `npm start` builds it, in a temporary app directory so that a test or bench never
 * depends on (or changes) the repository's dist/ or .local/: the app (tsconfig.json), then the dev
 * host into the same dist root, so dist/dev/*.js and the function files share dist/src/*.js.
 * `scripts` are added to the copied package.json (e.g. one that runs dist/dev/main.js under npm).
 */
export function compileApp(scripts: Record<string, string> = {}): string {
  const appDir = mkdtempSync(path.join(os.tmpdir(), 'repair-relay-cli-'));
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  Object.assign(pkg.scripts, scripts);
  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(pkg, null, 2));
  copyFileSync(path.join(repo, 'host.json'), path.join(appDir, 'host.json'));
  symlinkSync(path.join(repo, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  // tsc emits even past a type error.
  for (const project of ['tsconfig.json', 'tsconfig.dev.json']) {
    spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', path.join(repo, project), '--outDir', path.join(appDir, 'dist')], { stdio: 'ignore' });
  }
  if (!existsSync(path.join(appDir, 'dist/dev/main.js'))) throw new Error(`the app did not compile into ${appDir}`);
  return appDir;
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `node dist/dev/main.js` in appDir, or `command` (e.g. npm run ...) when given. */
export function run(appDir: string, env: NodeJS.ProcessEnv, command?: { file: string; args: string[]; options?: SpawnOptions }): Running {
  const [file, args] = command ? [command.file, command.args] : [process.execPath, [path.join(appDir, 'dist/dev/main.js')]];
  const child = spawn(file, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'], ...command?.options });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, running: Running, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every job document in the running host's embedded Cosmos server (its endpoint is in the banner). */
export async function cosmosJobs(running: Running): Promise<JobDocument[]> {
  const endpoint = /Cosmos DB\s+embedded\s+(https:\/\/127\.0\.0\.1:\d+)/.exec(running.output())?.[1];
  if (!endpoint) throw new Error(`no embedded Cosmos endpoint in the output:\n${running.output()}`);
  const client = createCosmosClient({ endpoint, key: EMBEDDED_COSMOS_KEY, database: 'repair', container: 'jobs' });
  try {
    return (await client.database('repair').container('jobs').items.readAll<JobDocument>({ maxItemCount: 5000 }).fetchAll()).resources;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return [];
    throw error;
  } finally {
    client.dispose();
  }
}
