import Module from 'node:module';

/**
 * The one place `app.*` registrations are captured, for the local host and for the tests.
 *
 * `@azure/functions` registers functions only through `require('@azure/functions-core')`, the module
 * the Azure Functions worker provides; without it the library runs in "test mode" and drops every
 * registration with a warning, and it exports no other way to see them. So, like the worker, we
 * answer that one `require` with a tiny core: it keeps each function's binding metadata and handler
 * and the `app.hook.*` callbacks. Everything else (requests, contexts, responses) the host builds
 * with the library's public constructors; the library's programming model is never used.
 */

export type Binding = Record<string, unknown> & { type: string; direction: string; name?: string };

export interface Registration {
  name: string;
  bindings: Record<string, Binding>;
  handler: (...args: unknown[]) => unknown;
  /** The binding name and binding of the function's one trigger. */
  triggerName: string;
  trigger: Binding;
}

type HookCallback = (context: Record<string, unknown>) => unknown;

interface CapturedState {
  registrations: Map<string, Registration>;
  hooks: Map<string, Set<HookCallback>>;
}

/** One registry per process: the library binds to its core once, whichever module copy installed it. */
const STATE_KEY = Symbol.for('repair-relay.dev.functions-core');
const state: CapturedState = ((globalThis as Record<symbol, CapturedState | undefined>)[STATE_KEY] ??= {
  registrations: new Map(),
  hooks: new Map(),
});

/** Every function registered through `app.*` in this process, by name. */
export const registrations = state.registrations;

export function hooksFor(name: 'appStart' | 'appTerminate'): HookCallback[] {
  return [...(state.hooks.get(name) ?? [])];
}

const core = {
  setProgrammingModel(): void {}, // the library offers its programming model; the host builds invocations itself
  registerFunction(metadata: { name: string; bindings: Record<string, Binding> }, handler: Registration['handler']) {
    const triggers = Object.entries(metadata.bindings).filter(([, b]) => /trigger$/i.test(b.type));
    if (triggers.length !== 1) throw new Error(`function ${metadata.name} must have exactly one trigger binding, not ${triggers.length}`);
    if ([...registrations.keys()].some((name) => name.toLowerCase() === metadata.name.toLowerCase())) {
      throw new Error(`a function named "${metadata.name}" is already registered (names are case-insensitive)`);
    }
    const [triggerName, trigger] = triggers[0]!;
    registrations.set(metadata.name, { ...metadata, handler, triggerName, trigger });
    return { dispose: () => registrations.delete(metadata.name) };
  },
  registerHook(name: string, callback: HookCallback) {
    const set = state.hooks.get(name) ?? new Set<HookCallback>();
    state.hooks.set(name, set.add(callback));
    return { dispose: () => set.delete(callback) };
  },
};

const INSTALLED = Symbol.for('repair-relay.dev.functions-core.installed');

/**
 * Answers `require('@azure/functions-core')` with the capturing core, as the worker does; call it
 * before anything calls `app.*`. Idempotent, and every other module id goes to Node as before.
 */
export function installFunctionsCore(): Map<string, Registration> {
  const global = globalThis as Record<symbol, unknown>;
  if (!global[INSTALLED]) {
    type RequireFn = (this: unknown, id: string) => unknown;
    const proto = (Module as unknown as { prototype: { require: RequireFn } }).prototype;
    const previous = proto.require;
    proto.require = function require(this: unknown, id: string) {
      return id === '@azure/functions-core' ? core : previous.call(this, id);
    };
    global[INSTALLED] = true;
  }
  return registrations;
}
