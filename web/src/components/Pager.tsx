import { navigate } from '../router';

/**
 * Pages over the server's cursor: the cursors that led to this page are kept in the URL as repeated
 * `page` parameters (a stack), so "Previous" pops one and Back/bookmarks restore the same page.
 */
export function cursorOf(params: URLSearchParams): string | undefined {
  return params.getAll('page').at(-1);
}

export function Pager({ params, nextCursor, label }: { params: URLSearchParams; nextCursor: string | null; label: string }) {
  const stack = params.getAll('page');
  if (stack.length === 0 && nextCursor === null) return null;
  const go = (pages: string[]) => {
    const next = new URLSearchParams(params);
    next.delete('page');
    pages.forEach((page) => next.append('page', page));
    const text = next.toString();
    navigate(`${window.location.pathname}${text === '' ? '' : `?${text}`}`);
  };
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <span>Page {stack.length + 1}</span>
      <button type="button" onClick={() => go(stack.slice(0, -1))} disabled={stack.length === 0}>
        Previous
      </button>
      <button type="button" onClick={() => nextCursor !== null && go([...stack, nextCursor])} disabled={nextCursor === null}>
        Next page
      </button>
    </nav>
  );
}
