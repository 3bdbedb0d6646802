import { existsSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';

/** A problem in the settings, host.json or function metadata that stops the local host from starting. */
export class HostConfigurationError extends Error {
  override readonly name = 'HostConfigurationError';
}

/** The one way dev code describes an error in a log line. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export { isLoopbackUrl } from '../src/adapters/system/loopback.js';

/** A URL fit to print: the password, if any, is replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unreadable URL)';
  }
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The host's own problem+json body (RFC 9457), for answers no function gave. */
export function problem(status: number, detail: string): { type: string; title: string; status: number; detail: string } {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

const REFERENCE = /%([^%\s]+)%/g;

/** The app setting names a binding value refers to with `%NAME%`. */
export function settingReferences(value: string): string[] {
  return [...value.matchAll(REFERENCE)].map((m) => m[1]!);
}

/** Resolves `%NAME%` in a binding value as the Functions host does: an unset or empty setting stops the host. */
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
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + Math.round(Number(`0.${fraction ?? '0'}`) * 1000);
}

export interface HostJsonSettings {
  routePrefix: string;
  functionTimeoutMs: number | undefined;
  maxConcurrentCalls: number;
}

/** The parts of host.json the local host honours, with the Functions host's defaults. */
export function readHostJson(appRoot: string): HostJsonSettings {
  const file = path.join(appRoot, 'host.json');
  const json = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as {
    functionTimeout?: string;
    extensions?: { http?: { routePrefix?: string }; serviceBus?: { maxConcurrentCalls?: number } };
  };
  const timeout = json.functionTimeout;
  return {
    routePrefix: (json.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, ''),
    functionTimeoutMs: timeout === undefined ? 5 * 60_000 : parseTimeSpan(timeout, 'host.json functionTimeout'),
    maxConcurrentCalls: json.extensions?.serviceBus?.maxConcurrentCalls ?? 16,
  };
}

/** The nearest directory at or above `start` that holds a package.json: the function app's root. */
export function findAppRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new HostConfigurationError(`no package.json found at or above ${start}`);
  }
}
