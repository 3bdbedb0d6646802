import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ignore from 'ignore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrations } from '../../dev/functionsCore.js';
import '../../src/functions/index.js';

/**
 * The Function App's package, made the way `azd package` makes it: the project's files (what git
 * tracks or would track), the prepackage hook of azure.yaml run in that copy, then every file
 * .funcignore does not leave out, read with .gitignore rules (the `ignore` package, as azd and
 * Core Tools read it). Then `main` is loaded from the package alone in a fresh Node process, with
 * a stand-in for the one module the Functions worker provides (`@azure/functions-core`).
 */
const repo = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const packageJson = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
/** Every package of the lock file that only devDependencies need (`"dev": true`), by its node_modules path. */
const devOnly = Object.entries(
  (JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }).packages,
)
  .filter(([, entry]) => entry.dev === true)
  .map(([location]) => location);

/** The `run` line of a hook of the api service in azure.yaml, for a POSIX shell. */
function hookCommand(hook: string): string {
  const yaml = readFileSync(path.join(repo, 'azure.yaml'), 'utf8');
  const match = new RegExp(`\\n {6}${hook}:\\n {8}posix:\\n {10}shell: sh\\n {10}run: (.+)\\n`).exec(yaml);
  if (!match) throw new Error(`azure.yaml has no posix ${hook} hook`);
  return match[1]!;
}

/** Files under `root` that .funcignore keeps, as posix paths relative to it; a left-out folder is not walked. */
function packagedFiles(root: string, funcignore: string): string[] {
  const rules = ignore().add(funcignore);
  const kept: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${name}/`)) walk(name);
      } else if (!rules.ignores(name)) {
        kept.push(name);
      }
    }
  };
  walk('');
  return kept;
}

/** What a Functions worker would register from the package: function names and hooks, printed by the stand-in core. */
async function loadInFreshProcess(packageDir: string, probeDir: string): Promise<{ names: string[]; hooks: string[] }> {
  const probe = path.join(probeDir, 'functions-core-stand-in.cjs');
  writeFileSync(
    probe,
    `const Module = require('node:module');
const seen = { names: [], hooks: [] };
const core = {
  setProgrammingModel() {},
  registerFunction(metadata) { seen.names.push(metadata.name); return { dispose() {} }; },
  registerHook(name) { seen.hooks.push(name); return { dispose() {} }; },
};
const previous = Module.prototype.require;
Module.prototype.require = function (id) { return id === '@azure/functions-core' ? core : previous.call(this, id); };
process.on('exit', () => process.stdout.write(JSON.stringify(seen)));
`,
  );
  // Asynchronous like the set-up: a blocked worker stops answering the runner (vitest's 60 s RPC timeout).
  const { stdout } = await run(process.execPath, ['-r', probe, '-e', `require(require('node:path').resolve(require('./package.json').main))`], {
    cwd: packageDir,
    env: { PATH: process.env.PATH },
  });
  return JSON.parse(stdout) as { names: string[]; hooks: string[] };
}

/** What the package's consoleAssets handler answers for each path below /api/console/, run in a fresh Node process from the package alone. */
async function serveFromPackage(packageDir: string, paths: string[]): Promise<Array<{ status: number; headers: Record<string, string>; text: string }>> {
  const script = `
const { consoleAssetsHandler } = require('./dist/src/functions/console/consoleAssets.js');
(async () => {
  const answers = [];
  for (const path of ${JSON.stringify(paths)}) {
    const answer = await consoleAssetsHandler({ params: { path } });
    answers.push({ status: answer.status, headers: answer.headers, text: Buffer.from(answer.body).toString('utf8') });
  }
  process.stdout.write(JSON.stringify(answers));
})();`;
  const core = path.join(packageDir, '..', 'console-core-stand-in.cjs');
  writeFileSync(
    core,
    `const Module = require('node:module');
const core = { setProgrammingModel() {}, registerFunction() { return { dispose() {} }; }, registerHook() { return { dispose() {} }; } };
const previous = Module.prototype.require;
Module.prototype.require = function (id) { return id === '@azure/functions-core' ? core : previous.call(this, id); };
`,
  );
  const { stdout } = await run(process.execPath, ['-r', core, '-e', script], { cwd: packageDir, env: { PATH: process.env.PATH }, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Array<{ status: number; headers: Record<string, string>; text: string }>;
}

describe('the deployment package (azd package: prepackage hook, then .funcignore)', () => {
  let scratch: string;
  let packageDir: string;
  let files: string[];

  // Asynchronous (the install, the build, the copies of some 24,000 files), so the test runner's
  // worker keeps answering meanwhile.
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'rr-package-'));
    const project = path.join(scratch, 'project');
    packageDir = path.join(scratch, 'package');
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
    const tracked = stdout
      .split('\0')
      .filter((file) => file !== '' && existsSync(path.join(repo, file)));
    for (const file of tracked) await cp(path.join(repo, file), path.join(project, file));
    await run('sh', ['-c', hookCommand('prepackage')], { cwd: project, env: { ...process.env, npm_config_prefer_offline: 'true' }, maxBuffer: 64 * 1024 * 1024 });
    files = packagedFiles(project, readFileSync(path.join(project, '.funcignore'), 'utf8'));
    const kept = new Set(files.flatMap((file) => file.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'))));
    await cp(project, packageDir, { recursive: true, filter: (source) => source === project || kept.has(path.relative(project, source).split(path.sep).join('/')) });
    mkdirSync(path.join(scratch, 'probe'));
    const bytes = files.reduce((sum, file) => sum + statSync(path.join(packageDir, file)).size, 0);
    console.info(`package: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  }, 600_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 600_000);

  it('holds the compiled app, host.json and package.json, and none of the sources, tests or tools', () => {
    expect(files).toContain(packageJson.main);
    expect(files).toContain('host.json');
    expect(files).toContain('package.json');
    expect([...new Set(files.map((file) => file.split('/')[0]))].sort()).toEqual(['dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json']);
    expect(files.filter((file) => file.startsWith('dist/') && !file.startsWith('dist/src/') && !file.startsWith('dist/web/'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('dist/') && file.endsWith('.map'))).toEqual([]);
  });

  it('holds the staff console built by the prepackage hook (dist/web: its page and hashed assets) and serves it from the package', async () => {
    const assets = files.filter((file) => file.startsWith('dist/web/assets/'));
    expect(files).toContain('dist/web/index.html');
    expect(assets.some((file) => /^dist\/web\/assets\/index-[\w-]{8,}\.js$/.test(file))).toBe(true);
    expect(assets.some((file) => /^dist\/web\/assets\/index-[\w-]{8,}\.css$/.test(file))).toBe(true);
    const script = assets.find((file) => file.endsWith('.js'))!.slice('dist/web/'.length);
    const served = await serveFromPackage(packageDir, ['', 'jobs/12', script, 'assets/index-00000000.js']);
    expect(served.map((answer) => answer.status)).toEqual([200, 200, 200, 404]);
    expect(served[0]!.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': expect.stringContaining("default-src 'self'") });
    expect(served[0]!.text).toContain(`/api/console/${script}`);
    expect(served[1]!.text).toBe(served[0]!.text);
    expect(served[2]!.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' });
  });

  it('ships every production dependency and no package that only devDependencies need', () => {
    for (const name of Object.keys(packageJson.dependencies)) expect(existsSync(path.join(packageDir, 'node_modules', name, 'package.json')), name).toBe(true);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest', 'node_modules/@vercel/cosmosdb-server']));
    expect(devOnly.filter((location) => existsSync(path.join(packageDir, location)))).toEqual([]);
  });

  it('loads main from the package alone and registers every function and the start hook', async () => {
    const loaded = await loadInFreshProcess(packageDir, path.join(scratch, 'probe'));
    expect(loaded.names.sort()).toEqual([...registrations.keys()].sort());
    expect(loaded.names.length).toBeGreaterThan(30);
    expect(loaded.hooks).toEqual(['appStart']);
  });
});
