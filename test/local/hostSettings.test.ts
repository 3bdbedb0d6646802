import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGlob, findFunctionFiles, packageMain } from '../../src/local/functionFiles.js';
import { findAppRoot, HostConfigurationError, parseTimeSpan, readHostJson } from '../../src/local/hostSettings.js';

const repo = path.resolve(__dirname, '../..');

describe('function files and host.json', () => {
  it('expands package.json main the way the worker does', () => {
    expect(packageMain(repo)).toBe('dist/src/functions/index.js');
    const files = expandGlob(repo, 'src/functions/*/*.ts').map((f) => path.relative(repo, f));
    expect(files).toContain(path.join('src', 'functions', 'jobs', 'pollClientJobs.ts'));
    expect(expandGlob(repo, 'src/functions/**/*.ts').some((f) => f.endsWith(`${path.sep}index.ts`))).toBe(true);
    expect(() => findFunctionFiles(repo, 'nowhere/*.js')).toThrow(/no function files match "nowhere\/\*\.js".*npm run build/);
    expect(findAppRoot(path.join(repo, 'src/local'))).toBe(repo);
  });

  it('reads the settings the local host honours from host.json', () => {
    expect(readHostJson(repo)).toEqual({
      file: path.join(repo, 'host.json'),
      routePrefix: 'api',
      functionTimeoutMs: 5 * 60_000,
      serviceBus: { maxConcurrentCalls: 16, autoCompleteMessages: true, maxAutoLockRenewalDurationMs: 5 * 60_000 },
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-hostjson-'));
    try {
      expect(readHostJson(dir)).toMatchObject({ file: undefined, routePrefix: 'api' });
      writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0', functionTimeout: '-1', extensions: { http: { routePrefix: '' } } }));
      expect(readHostJson(dir)).toMatchObject({ routePrefix: '', functionTimeoutMs: undefined });
      writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '1.0' }));
      expect(() => readHostJson(dir)).toThrow(HostConfigurationError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads .NET TimeSpans', () => {
    expect(parseTimeSpan('00:05:00', 't')).toBe(300_000);
    expect(parseTimeSpan('1.02:03:04.5', 't')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000 + 500);
    expect(parseTimeSpan('-1', 't')).toBeUndefined();
    expect(() => parseTimeSpan('5 minutes', 'host.json functionTimeout')).toThrow(/host.json functionTimeout/);
  });
});
