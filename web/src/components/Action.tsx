import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useConsole } from '../context';

/**
 * A button that runs one server action: disabled while it runs (a double click sends once), the
 * outcome said in the live region, then `done` (usually a reload of what it changed).
 */
export function ActionButton<T>({
  run,
  said,
  done,
  children,
  label,
  kind = 'secondary',
}: {
  run: () => Promise<T>;
  said: (result: T) => string;
  done?: (result: T) => void;
  children: ComponentChildren;
  /** An accessible name when the visible text alone is ambiguous in a list ("Resend" → "Resend notification n-1"). */
  label?: string;
  kind?: 'primary' | 'secondary';
}) {
  const { announce, refuse } = useConsole();
  const [busy, setBusy] = useState(false);
  const click = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const result = await run();
      announce(said(result), 'ok');
      done?.(result);
    } catch (error) {
      if (!refuse(error)) announce(error instanceof Error ? error.message : String(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class={kind} onClick={click} disabled={busy} aria-busy={busy} {...(label ? { 'aria-label': label } : {})}>
      {busy ? 'Working…' : children}
    </button>
  );
}
