import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };

/** Where npm's resolver finds `name` for the package installed at `from`: its own node_modules, then each ancestor's. */
function resolvesIn(packages: Record<string, LockedPackage>, from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (packages[`${base === '' ? '' : `${base}/`}node_modules/${name}`]) return true;
    if (base === '') return false;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

describe('package-lock.json', () => {
  // npm drops other platforms' optional packages from a lock written over an existing node_modules
  // (npm/cli#4828); the next install anywhere puts them back and the clone turns dirty. A complete lock
  // lists every optional dependency of every locked package, whatever platform wrote it.
  it('lists every optional dependency of every locked package, so a fresh npm install leaves it unchanged', () => {
    const missing = Object.entries(lock.packages).flatMap(([path, pkg]) =>
      Object.keys(pkg.optionalDependencies ?? {})
        .filter((name) => !resolvesIn(lock.packages, path, name))
        .map((name) => `${path || '(root)'} -> ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
