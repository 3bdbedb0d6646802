import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HostConfigurationError } from './hostSettings.js';

function segmentRegex(segment: string): RegExp {
  const body = segment
    .split('')
    .map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/**
 * Files matching a glob relative to `root`, sorted, as the Node.js worker expands package.json
 * `main`. Supports `*`, `?` and `**`; that is all a `main` like `dist/src/functions/*.js` needs.
 */
export function expandGlob(root: string, pattern: string): string[] {
  const segments = pattern.replace(/\\/g, '/').replace(/^\.\//, '').split('/').filter((s) => s !== '');
  const results = new Set<string>();
  const walk = (dir: string, index: number): void => {
    if (index === segments.length) {
      if (existsSync(dir) && statSync(dir).isFile()) results.add(dir);
      return;
    }
    const segment = segments[index]!;
    if (segment === '**') {
      walk(dir, index + 1);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && entry.name !== 'node_modules') walk(path.join(dir, entry.name), index);
      }
      return;
    }
    if (!/[*?]/.test(segment)) {
      walk(path.join(dir, segment), index + 1);
      return;
    }
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    const regex = segmentRegex(segment);
    for (const entry of readdirSync(dir)) {
      if (regex.test(entry)) walk(path.join(dir, entry), index + 1);
    }
  };
  walk(path.resolve(root), 0);
  return [...results].sort();
}

/** The `main` entry of the app's package.json: the function files the worker loads. */
export function packageMain(appRoot: string): string {
  const file = path.join(appRoot, 'package.json');
  const main = (JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown }).main;
  if (typeof main !== 'string' || main.trim() === '') {
    throw new HostConfigurationError(`${file} has no "main"; the Functions worker loads the function files it names`);
  }
  return main;
}

export function findFunctionFiles(appRoot: string, pattern: string): string[] {
  const files = expandGlob(appRoot, pattern);
  if (files.length === 0) {
    throw new HostConfigurationError(
      `no function files match "${pattern}" under ${appRoot}; build the app first (npm run build), or check package.json "main"`,
    );
  }
  return files;
}
