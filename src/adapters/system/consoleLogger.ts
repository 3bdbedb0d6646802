import type { Logger } from '../../domain/shared/ports.js';

/** One JSON line per event; Functions and Application Insights pick console output up as traces. */
export function createConsoleLogger(component: string): Logger {
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ level, component, message, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.info(line);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
