/** What the Functions host receives from `registerFunction`: binding metadata and the handler. */
export interface CapturedRegistration {
  name: string;
  bindings: Record<string, Record<string, unknown> & { type: string; direction: string }>;
  retryOptions?: unknown;
  handler: (...args: unknown[]) => unknown;
}

export const registrations = new Map<string, CapturedRegistration>();

/** A hook as the library hands it to the host: it takes the host's context (appStart: hookData, appHookData, functionAppDirectory). */
export type CapturedHook = (coreContext: Record<string, unknown>) => unknown;

/** Hooks by name ('appStart', 'preInvocation', ...), in registration order; the tests run them. */
export const hooks = new Map<string, CapturedHook[]>();

export const functionsCore = {
  version: 'test-host',
  hostVersion: '4.0.0',
  setProgrammingModel(): void {},
  getProgrammingModel(): unknown {
    return undefined;
  },
  registerHook(name: string, callback: CapturedHook): { dispose(): void } {
    hooks.set(name, [...(hooks.get(name) ?? []), callback]);
    return { dispose: () => hooks.set(name, (hooks.get(name) ?? []).filter((hook) => hook !== callback)) };
  },
  log(): void {},
  registerFunction(metadata: Omit<CapturedRegistration, 'handler'>, handler: CapturedRegistration['handler']) {
    registrations.set(metadata.name, { ...metadata, handler });
    return { dispose: () => registrations.delete(metadata.name) };
  },
};
