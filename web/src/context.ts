import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './types';

export interface Console {
  me: Me;
  /** Says an async result in the page's polite live region (and shows it). */
  announce(message: string, tone?: 'ok' | 'error'): void;
  /** Tells the app the server wants a sign-in or a role, so it shows that page instead. */
  refuse(error: unknown): boolean;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const found = useContext(ConsoleContext);
  if (!found) throw new Error('useConsole outside the console');
  return found;
}
