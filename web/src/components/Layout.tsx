import type { ComponentChildren } from 'preact';
import { useConsole } from '../context';
import { BASE, followLink } from '../router';

const SCREENS = [
  ['jobs', 'Jobs'],
  ['messages', 'Messages'],
  ['inbox', 'Inbox'],
  ['failures', 'Failures'],
] as const;

/** The frame of every screen: skip link, banner with the shop and who is signed in, navigation, main, live region. */
export interface LiveMessage {
  text: string;
  tone: 'ok' | 'error';
  /** Counts messages, so the same words said twice are a new node and announced again. */
  serial: number;
}

export function Layout({ section, live, children }: { section: string; live: LiveMessage | null; children: ComponentChildren }) {
  const { me } = useConsole();
  return (
    <div class="frame" onClick={followLink}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="banner">
        <div class="brand">
          <span class="product">Repair Relay</span> <span class="shop">{me.shop.name}</span>
        </div>
        <nav aria-label="Console">
          <ul>
            {SCREENS.map(([path, name]) => (
              <li key={path}>
                <a href={`${BASE}${path}`} aria-current={section === path ? 'page' : undefined}>
                  {name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class="user">
          Signed in as {me.user.name} ({me.user.roles.join(', ')})
        </p>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <div class={`live ${live ? `live-${live.tone}` : ''}`} role="status" aria-live="polite">
        {live && <span key={live.serial}>{live.text}</span>}
      </div>
    </div>
  );
}
