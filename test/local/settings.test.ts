import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAppRoot, HostConfigurationError, isLoopbackUrl, parseTimeSpan, readHostJson, redactUrl, resolveSettingReferences, settingReferences } from '../../dev/settings.js';

const repo = path.resolve(__dirname, '../..');

describe('local host settings', () => {
  it('resolves %SETTING% references from the app settings like the Functions host', () => {
    const env = { POLL_SCHEDULE: '*/5 * * * * *', STAGE: 'dev', EMPTY: '  ' };
    expect(settingReferences('%POLL_SCHEDULE%')).toEqual(['POLL_SCHEDULE']);
    expect(resolveSettingReferences('%POLL_SCHEDULE%', env, 'function pollClientJobs schedule')).toBe('*/5 * * * * *');
    expect(resolveSettingReferences('sms-%STAGE%-out', env, 'queue')).toBe('sms-dev-out');
    expect(resolveSettingReferences('0 */1 * * * *', env, 'schedule')).toBe('0 */1 * * * *');
    expect(() => resolveSettingReferences('%MISSING%', env, 'function pollClientJobs schedule')).toThrow(
      new HostConfigurationError("function pollClientJobs schedule: '%MISSING%' does not resolve to a value; set the app setting MISSING"),
    );
    expect(() => resolveSettingReferences('%EMPTY%', env, 'x')).toThrow(HostConfigurationError);
  });

  it('reads the app root and the parts of host.json the local host honours', () => {
    expect(findAppRoot(path.join(repo, 'dev'))).toBe(repo);
    expect(readHostJson(repo)).toEqual({ routePrefix: 'api', functionTimeoutMs: 5 * 60_000, maxConcurrentCalls: 256 });
    expect(readHostJson(path.join(repo, 'dev'))).toEqual({ routePrefix: 'api', functionTimeoutMs: 5 * 60_000, maxConcurrentCalls: 16 });
  });

  it('reads .NET TimeSpans', () => {
    expect(parseTimeSpan('00:05:00', 't')).toBe(300_000);
    expect(parseTimeSpan('1.02:03:04.5', 't')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000 + 500);
    expect(parseTimeSpan('-1', 't')).toBeUndefined();
    expect(() => parseTimeSpan('5 minutes', 'host.json functionTimeout')).toThrow(/host.json functionTimeout/);
  });

  it('has one loopback rule and never prints a password', () => {
    for (const url of ['mysql://root@127.0.0.1:3306/x', 'mysql://root@localhost/x', 'mysql://root@[::1]:3306/x', 'https://127.0.0.2:8081']) expect(isLoopbackUrl(url), url).toBe(true);
    for (const url of ['mysql://root@10.0.0.5/x', 'https://acct.documents.azure.com:443', 'mysql://u@127.example.com/x']) expect(isLoopbackUrl(url), url).toBe(false);
    expect(redactUrl('mysql://u:p@h/db')).toBe('mysql://u:***@h/db');
  });
});
