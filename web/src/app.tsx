import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, RoleRequired, SignInRequired } from './api';
import { Layout, type LiveMessage } from './components/Layout';
import { ConsoleContext, type Console } from './context';
import { useLocation } from './router';
import { FailuresScreen } from './screens/Failures';
import { InboxScreen } from './screens/Inbox';
import { JobScreen } from './screens/Job';
import { JobsScreen } from './screens/Jobs';
import { MessagesScreen } from './screens/Messages';
import { Refused } from './screens/Refused';
import type { Me } from './types';

type Start = { kind: 'loading' } | { kind: 'refused'; why: 'sign-in' | 'role' } | { kind: 'error'; message: string } | { kind: 'ready'; me: Me };

function refusal(error: unknown): 'sign-in' | 'role' | undefined {
  if (error instanceof SignInRequired) return 'sign-in';
  if (error instanceof RoleRequired) return 'role';
  return undefined;
}

/** A path segment as typed; a malformed %-escape is shown as it is rather than breaking the page. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function Screen({ path, params }: { path: string; params: URLSearchParams }) {
  const [section = 'jobs', id] = path.split('/');
  if (section === 'jobs' && id !== undefined) return <JobScreen jobId={safeDecode(id)} />;
  if (section === 'jobs' || section === '') return <JobsScreen params={params} />;
  if (section === 'messages') return <MessagesScreen params={params} />;
  if (section === 'inbox') return <InboxScreen params={params} />;
  if (section === 'failures') return <FailuresScreen params={params} />;
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no console page at this address. <a href="/api/console/jobs">Go to the jobs</a>.
      </p>
    </>
  );
}

export function App() {
  const [start, setStart] = useState<Start>({ kind: 'loading' });
  const [live, setLive] = useState<LiveMessage | null>(null);
  const location = useLocation();
  const firstPath = useRef(true);

  const load = useCallback(() => {
    setStart({ kind: 'loading' });
    get<Me>('/api/staff/me').then(
      (me) => setStart({ kind: 'ready', me }),
      (error: unknown) => {
        const why = refusal(error);
        setStart(why ? { kind: 'refused', why } : { kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
  }, []);
  useEffect(load, [load]);

  const refuse = useCallback((error: unknown) => {
    const why = refusal(error);
    if (why) setStart({ kind: 'refused', why });
    return why !== undefined;
  }, []);
  const announce = useCallback((text: string, tone: 'ok' | 'error' = 'ok') => setLive((previous) => ({ text, tone, serial: (previous?.serial ?? 0) + 1 })), []);
  const me = start.kind === 'ready' ? start.me : undefined;
  const context = useMemo<Console | null>(() => (me ? { me, announce, refuse } : null), [me, announce, refuse]);

  // A new screen: clear the last result and move focus to its heading, as a page load would for a screen reader.
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    setLive(null);
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [location.path]);

  useEffect(() => {
    document.title = `${titleOf(location.path)} · Repair Relay console`;
  }, [location.path]);

  if (start.kind === 'loading') {
    return (
      <main id="main" class="starting">
        <p role="status">Loading the console…</p>
      </main>
    );
  }
  if (start.kind === 'refused') return <Refused why={start.why} />;
  if (start.kind === 'error' || !context) {
    return (
      <main id="main" class="starting">
        <h1>The console could not start</h1>
        <p role="alert">{start.kind === 'error' ? start.message : ''}</p>
        <button type="button" onClick={load}>
          Try again
        </button>
      </main>
    );
  }
  return (
    <ConsoleContext.Provider value={context}>
      <Layout section={location.path.split('/')[0] || 'jobs'} live={live}>
        <Screen path={location.path} params={location.params} />
      </Layout>
    </ConsoleContext.Provider>
  );
}

function titleOf(path: string): string {
  const [section = '', id] = path.split('/');
  if (section === 'jobs' && id) return `Job ${id}`;
  return { '': 'Jobs', jobs: 'Jobs', messages: 'Messages', inbox: 'Inbox', failures: 'Failures' }[section] ?? 'Not found';
}
