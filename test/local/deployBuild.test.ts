import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../..');

/** What `npm run build` (azure.yaml's prepackage) compiles into dist for the Function App. */
function appBuildFiles(): string[] {
  const result = spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', path.join(repo, 'tsconfig.json'), '--listFilesOnly'], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((file) => file !== '' && !file.includes('/node_modules/'))
    .map((file) => path.relative(repo, file).split(path.sep).join('/'));
}

describe('the deployed build', () => {
  it('compiles only src/: no dev host, scripts, tests or benchmarks', () => {
    const files = appBuildFiles();
    expect(files).toContain('src/functions/health/health.ts');
    expect(files.filter((file) => !file.startsWith('src/'))).toEqual([]);
  });

  it('imports nothing that only the local host needs', () => {
    for (const file of appBuildFiles()) {
      const text = readFileSync(path.join(repo, file), 'utf8');
      const imported = [...text.matchAll(/(?:from|import|require)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      for (const id of imported) {
        expect(id, `${file} imports ${id}`).not.toMatch(/^@vercel\/cosmosdb-server|^smtp-server|^croner$|(^|\/)dev\//);
      }
    }
  });

  it('keeps dev code out of the deployment package with patterns anchored at the root (.funcignore)', () => {
    const patterns = readFileSync(path.join(repo, '.funcignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(patterns).toEqual(expect.arrayContaining(['/dist/dev/', '/dev/', '/scripts/', '/test/', '/bench/', '/src/', '/web/']));
    // Unanchored, `src` would match dist/src (the app) and node_modules/*/src too (test/infra/package.test.ts).
    expect(patterns.filter((pattern) => !pattern.startsWith('/'))).toEqual([]);
  });
});
