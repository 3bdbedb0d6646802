import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The staff console's built files (`vite build` → dist/web), as the consoleAssets function serves
 * them: a request path is either a file of the build, or a client route that the console's
 * index.html answers. Nothing outside dist/web is ever read.
 */

/** The policy of every console response (docs/api.md, Staff console): only our own scripts, styles and API. */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite's hashed asset names (`assets/index-DBgscfOE.js`): their content never changes under that name. */
const HASHED_ASSET = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export type ConsoleFile =
  | { kind: 'file'; body: Buffer; contentType: string; cacheControl: string }
  | { kind: 'refused'; detail: string }
  | { kind: 'missing'; detail: string }
  | { kind: 'not-built'; detail: string };

/** dist/web of the app: found from this file upwards (the folder with host.json), compiled (dist/src/…) or not (src/…). */
export function consoleRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'host.json'))) return path.join(dir, 'dist', 'web');
    if (path.dirname(dir) === dir) return path.resolve('dist', 'web');
  }
}

/** The segments of a request path below /api/console/, or undefined for one that tries to leave it. */
function segmentsOf(requested: string): string[] | undefined {
  if (/[\\\0:]/.test(requested)) return undefined;
  const segments = requested.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..' || segment.startsWith('.'))) return undefined;
  return segments;
}

async function readIfFile(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw error;
  }
}

/** What answers `requested` (the path below /api/console/, already percent-decoded). */
export async function consoleFile(root: string, requested: string): Promise<ConsoleFile> {
  const segments = segmentsOf(requested);
  if (!segments) return { kind: 'refused', detail: 'that path is not a console file' };
  const relative = segments.join('/');
  const last = segments.at(-1) ?? '';
  // A path whose last segment has no extension is a screen of the console (jobs/123): its index.html answers.
  const isRoute = !last.includes('.');
  const file = path.resolve(root, isRoute ? 'index.html' : relative);
  if (!file.startsWith(root + path.sep)) return { kind: 'refused', detail: 'that path is not a console file' };
  const body = await readIfFile(file);
  if (body === undefined) {
    if (isRoute || relative === 'index.html') return { kind: 'not-built', detail: 'the console is not built: run `npm run build` (it runs `vite build` into dist/web)' };
    return { kind: 'missing', detail: `the console has no file ${relative}` };
  }
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const cacheControl = HASHED_ASSET.test(relative) ? 'public, max-age=31536000, immutable' : 'no-store';
  return { kind: 'file', body, contentType, cacheControl };
}
