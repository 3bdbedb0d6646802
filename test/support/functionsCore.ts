/** What the Functions host receives from `registerFunction`: binding metadata and the handler. */
export interface CapturedRegistration {
  name: string;
  bindings: Record<string, Record<string, unknown> & { type: string; direction: string }>;
  retryOptions?: unknown;
  handler: (...args: unknown[]) => unknown;
}

export const registrations = new Map<string, CapturedRegistration>();

export const functionsCore = {
  version: 'test-host',
  hostVersion: '4.0.0',
  setProgrammingModel(): void {},
  getProgrammingModel(): unknown {
    return undefined;
  },
  registerHook(): { dispose(): void } {
    return { dispose() {} };
  },
  log(): void {},
  registerFunction(metadata: Omit<CapturedRegistration, 'handler'>, handler: CapturedRegistration['handler']) {
    registrations.set(metadata.name, { ...metadata, handler });
    return { dispose: () => registrations.delete(metadata.name) };
  },
};
