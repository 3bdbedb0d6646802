import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFile, consoleRoot } from '../../../src/functions/console/consoleFiles.js';

/** The console's files over a build of its own: a page, a hashed script and stylesheet, and a secret beside the build. */
describe('console files (what GET /api/console/{*path} answers)', () => {
  let scratch: string;
  let root: string;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'rr-console-'));
    root = path.join(scratch, 'dist', 'web');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(root, 'assets', 'index-DBgscfOE.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'assets', 'index-BGd8KoQm.css'), 'body{}');
    writeFileSync(path.join(root, '.env'), 'SECRET=1');
    writeFileSync(path.join(scratch, 'dist', 'web-secret.txt'), 'not the console');
    writeFileSync(path.join(scratch, 'host.json'), '{}');
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('answers the page with no-store, for the root and for every client route (deep links)', async () => {
    for (const requested of ['', 'jobs', 'jobs/123', 'inbox/', 'messages']) {
      const found = await consoleFile(root, requested);
      expect(found, requested).toMatchObject({ kind: 'file', contentType: 'text/html; charset=utf-8', cacheControl: 'no-store' });
      if (found.kind === 'file') expect(found.body.toString()).toContain('<title>console</title>');
    }
    expect(await consoleFile(root, 'index.html')).toMatchObject({ kind: 'file', cacheControl: 'no-store' });
  });

  it('answers hashed assets with their content type, cached for a year as immutable', async () => {
    expect(await consoleFile(root, 'assets/index-DBgscfOE.js')).toMatchObject({ kind: 'file', contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
    expect(await consoleFile(root, 'assets/index-BGd8KoQm.css')).toMatchObject({ kind: 'file', contentType: 'text/css; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
  });

  it('answers a missing asset as missing, never with the page', async () => {
    expect(await consoleFile(root, 'assets/index-00000000.js')).toMatchObject({ kind: 'missing' });
    expect(await consoleFile(root, 'favicon.ico')).toMatchObject({ kind: 'missing' });
  });

  it('refuses every path that tries to leave the build, or to read a dot file', async () => {
    for (const requested of ['../web-secret.txt', 'assets/../../web-secret.txt', '..', 'assets/..', '/../../host.json', 'assets\\..\\..\\host.json', '.env', 'assets/%00.js', 'a\0b.js', 'C:/windows/win.ini']) {
      const found = await consoleFile(root, requested.replace('%00', '\0'));
      expect(found.kind, requested).toBe('refused');
    }
  });

  it('says the console is not built when dist/web has no page', async () => {
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    expect(await consoleFile(empty, 'jobs/1')).toMatchObject({ kind: 'not-built', detail: expect.stringContaining('npm run build') });
  });

  it('finds dist/web from a source or a compiled function folder, at the folder that holds host.json', () => {
    expect(consoleRoot(path.join(scratch, 'src', 'functions', 'console'))).toBe(root);
    expect(consoleRoot(path.join(scratch, 'dist', 'src', 'functions', 'console'))).toBe(root);
  });
});
