import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const repo = path.resolve(__dirname, '../..');
const page = path.join(repo, 'dist/web/index.html');

/** The newest modification time among the console's sources and its build configuration. */
function newestSource(): number {
  const times = [statSync(path.join(repo, 'vite.config.ts')).mtimeMs];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else times.push(statSync(full).mtimeMs);
    }
  };
  walk(path.join(repo, 'web'));
  return Math.max(...times);
}

/**
 * dist/web as `npm run build` leaves it, built here when missing or older than web/ (a fresh clone
 * has no dist/, and `npm test` does not build): what the consoleAssets function serves.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(page) && statSync(page).mtimeMs >= newestSource()) return;
  await promisify(execFile)(process.execPath, [path.join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
}
