import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api';
import { useConsole } from '../context';

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; data: T };

/** GETs `url` whenever it changes; `reload` fetches it again (after an action). */
export function useResource<T>(url: string): { state: Loaded<T>; reload: () => void } {
  const { refuse } = useConsole();
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  const shown = useRef<string | null>(null);
  useEffect(() => {
    let live = true;
    // A reload after an action keeps the list on screen until the new one arrives; another URL starts from "Loading".
    const reloading = shown.current === url;
    shown.current = url;
    setState((previous) => (previous.kind === 'ok' && reloading ? previous : { kind: 'loading' }));
    get<T>(url).then(
      (data) => live && setState({ kind: 'ok', data }),
      (error: unknown) => {
        if (!live || refuse(error)) return;
        setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [url, round, refuse]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { state, reload };
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="state" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export function Failed({ what, message, retry }: { what: string; message: string; retry: () => void }) {
  return (
    <div class="state error" role="alert">
      <p>
        Could not load {what}: {message}
      </p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

/** The three states of a loaded resource around what shows its data. */
export function Resource<T>({ loaded, what, retry, children }: { loaded: Loaded<T>; what: string; retry: () => void; children: (data: T) => ComponentChildren }) {
  if (loaded.kind === 'loading') return <Loading what={what} />;
  if (loaded.kind === 'error') return <Failed what={what} message={loaded.message} retry={retry} />;
  return <>{children(loaded.data)}</>;
}
