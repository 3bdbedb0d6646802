import { buildRelay, type Relay } from './compositionRoot.js';
import { ConfigError, loadConfig } from './config.js';

/*
 * The relay of this process. Azure Functions registers each handler when its file is imported
 * (src/functions/index.ts), before anything could pass the handler a relay, so the handlers ask
 * this one holder for it; the local host, benches and tests put theirs here with provideRelay.
 */
let current: Promise<Relay> | undefined;
let factory: () => Promise<Relay> = () => buildRelay(loadConfig());

/** The one relay of this process, built on first use; every caller shares one build, and a failed build is retried by the next call. */
export function getRelay(): Promise<Relay> {
  current ??= factory().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

/**
 * The app's start (the `appStart` hook in src/functions/index.ts): builds the relay now, so a bad
 * configuration stops the start instead of the first request. It does no schema work (that is
 * prepareLedger's, a deployment step) and is the relay getRelay() hands out, so nothing is built twice.
 */
export async function startRelay(log: (message: string) => void = console.error): Promise<Relay> {
  try {
    return await getRelay();
  } catch (error) {
    const what = error instanceof ConfigError ? 'configuration is invalid' : 'could not start';
    log(`Repair Relay ${what}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/** Lets the local host, benches and tests build the relay their way; the functions keep calling getRelay(). */
export function provideRelay(build: () => Promise<Relay>): void {
  factory = build;
  current = undefined;
}
