import { useEffect, useState } from 'preact/hooks';

/**
 * Client routing below the console's base path, over the History API: screens are plain links
 * (`href` works with a middle click, a new tab and the keyboard), and filters live in the query
 * string so a view can be bookmarked, shared and restored with Back.
 */

export const BASE = '/api/console/';

export interface Location {
  /** The path below BASE without slashes at either end: '', 'jobs/12', 'messages'. */
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  const pathname = window.location.pathname;
  const below = pathname.toLowerCase().startsWith(BASE) ? pathname.slice(BASE.length) : '';
  return { path: below.replace(/^\/+|\/+$/g, ''), params: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();

/** Goes to a console URL (absolute path below BASE, or a query string for the current path) without reloading. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, window.location.href);
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((listener) => listener());
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** A console path with a query string of the non-empty values. */
export function href(path: string, params: Record<string, string | string[] | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined && one !== '') search.append(key, one);
  }
  const text = search.toString();
  return `${BASE}${path}${text === '' ? '' : `?${text}`}`;
}

/** Click handler for in-console links: plain left clicks navigate in place, modified clicks keep the browser's meaning. */
export function followLink(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.getAttribute('href')?.startsWith('#') || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(BASE) || anchor.target || anchor.hasAttribute('download')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
