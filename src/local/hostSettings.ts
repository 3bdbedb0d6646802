import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A problem in the app's settings, host.json or function metadata that stops the local host from starting. */
export class HostConfigurationError extends Error {
  override readonly name = 'HostConfigurationError';
}

const REFERENCE = /%([^%\s]+)%/g;

/** The app setting names a binding value refers to with `%NAME%`. */
export function settingReferences(value: string): string[] {
  return [...value.matchAll(REFERENCE)].map((m) => m[1]!);
}

/**
 * Resolves `%NAME%` references in a binding value from the app settings, as the Functions host
 * does when it indexes functions: an unset or empty setting stops the function from loading.
 */
export function resolveSettingReferences(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(REFERENCE, (_whole, name: string) => {
    const resolved = env[name];
    if (resolved === undefined || resolved.trim() === '') {
      throw new HostConfigurationError(`${where}: '%${name}%' does not resolve to a value; set the app setting ${name}`);
    }
    return resolved;
  });
}

/** A .NET TimeSpan as host.json writes it: `hh:mm:ss`, `d.hh:mm:ss`, optional fraction; "-1" means none. */
export function parseTimeSpan(value: string, where: string): number | undefined {
  if (value.trim() === '-1') return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!m) throw new HostConfigurationError(`${where}: "${value}" is not a TimeSpan such as 00:05:00`);
  const [, days, hours, minutes, seconds, fraction] = m;
  return (
    ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    Math.round(Number(`0.${fraction ?? '0'}`) * 1000)
  );
}

export interface HostJsonSettings {
  /** Where host.json was read from, or undefined when the app has none. */
  file: string | undefined;
  routePrefix: string;
  functionTimeoutMs: number | undefined;
  serviceBus: {
    maxConcurrentCalls: number;
    autoCompleteMessages: boolean;
    maxAutoLockRenewalDurationMs: number | undefined;
  };
}

type Json = Record<string, unknown>;

function section(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** Case-insensitive lookup, as the host binds host.json to its options. */
function get(obj: Json, key: string): unknown {
  const found = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : obj[found];
}

/** The parts of host.json the local host honours, with the Functions host's defaults. */
export function readHostJson(appRoot: string): HostJsonSettings {
  const file = path.join(appRoot, 'host.json');
  const defaults: HostJsonSettings = {
    file: undefined,
    routePrefix: 'api',
    functionTimeoutMs: 5 * 60_000,
    serviceBus: { maxConcurrentCalls: 16, autoCompleteMessages: true, maxAutoLockRenewalDurationMs: 5 * 60_000 },
  };
  if (!existsSync(file)) return defaults;
  let json: Json;
  try {
    json = section(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new HostConfigurationError(`host.json is not valid JSON: ${(error as Error).message}`);
  }
  if (get(json, 'version') !== '2.0') throw new HostConfigurationError('host.json must say "version": "2.0"');
  const extensions = section(get(json, 'extensions'));
  const http = section(get(extensions, 'http'));
  const serviceBus = section(get(extensions, 'serviceBus'));
  const routePrefix = get(http, 'routePrefix');
  const timeout = get(json, 'functionTimeout');
  const maxCalls = get(serviceBus, 'maxConcurrentCalls');
  const autoComplete = get(serviceBus, 'autoCompleteMessages');
  const renewal = get(serviceBus, 'maxAutoLockRenewalDuration');
  if (maxCalls !== undefined && (!Number.isInteger(maxCalls) || (maxCalls as number) < 1)) {
    throw new HostConfigurationError('host.json extensions.serviceBus.maxConcurrentCalls must be a whole number of at least 1');
  }
  return {
    file,
    routePrefix: typeof routePrefix === 'string' ? routePrefix.replace(/^\/+|\/+$/g, '') : defaults.routePrefix,
    functionTimeoutMs: typeof timeout === 'string' ? parseTimeSpan(timeout, 'host.json functionTimeout') : defaults.functionTimeoutMs,
    serviceBus: {
      maxConcurrentCalls: (maxCalls as number | undefined) ?? defaults.serviceBus.maxConcurrentCalls,
      autoCompleteMessages: typeof autoComplete === 'boolean' ? autoComplete : true,
      maxAutoLockRenewalDurationMs:
        typeof renewal === 'string' ? parseTimeSpan(renewal, 'host.json extensions.serviceBus.maxAutoLockRenewalDuration') : defaults.serviceBus.maxAutoLockRenewalDurationMs,
    },
  };
}

/** The nearest directory at or above `start` that holds a package.json: the function app's root. */
export function findAppRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new HostConfigurationError(`no package.json found at or above ${start}`);
    dir = parent;
  }
}
