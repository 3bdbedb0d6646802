import Module from 'node:module';

/**
 * The local host's `@azure/functions-core`: the module the Azure Functions Node.js worker hands to
 * the `@azure/functions` library. The library calls `setProgrammingModel` once and
 * `registerFunction(metadata, callback)` for every `app.http`/`app.timer`/`app.serviceBusQueue`;
 * the host later asks the programming model for an invocation model per invocation, exactly as the
 * worker does, so handlers receive the library's own `HttpRequest`, `InvocationContext` and `Timer`.
 *
 * Only the parts of the worker's API the library uses are provided.
 */

export interface RpcBindingInfo {
  type: string;
  direction: string;
  name?: string;
  dataType?: string;
  [property: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
  [property: string]: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

/** The RPC typed data the host sends to the worker; only the variants the local host produces. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  int?: number;
  double?: number;
  http?: RpcHttpData;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: RpcTypedData | null;
  statusCode?: string;
  cookies?: RpcHttpCookie[];
  enableContentNegotiation?: boolean;
}

export interface RpcHttpCookie {
  name?: string;
  value?: string;
  domain?: { value?: string } | null;
  path?: { value?: string } | null;
  expires?: { value?: { seconds?: number | string; nanos?: number } } | null;
  secure?: { value?: boolean } | null;
  httpOnly?: { value?: boolean } | null;
  sameSite?: string | null;
  maxAge?: { value?: number } | null;
}

export interface RpcInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: Array<{ name: string; data: RpcTypedData }>;
  triggerMetadata: Record<string, RpcTypedData>;
}

export interface RpcInvocationResponse {
  invocationId?: string;
  returnValue?: RpcTypedData | null;
  outputData?: Array<{ name: string; data: RpcTypedData }>;
}

export type CoreLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  log(level: CoreLogLevel, category: 'user' | 'system', message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;

export class Disposable {
  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }

  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** The binding name and binding of the function's one trigger. */
  triggerName: string;
  trigger: RpcBindingInfo;
  /** The file that was being loaded when the function registered itself, if any. */
  source?: string;
}

export class FunctionsCoreError extends Error {
  override readonly name = 'FunctionsCoreError';
}

/** Function names as the Functions host accepts them. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

export function isTriggerType(type: string | undefined): boolean {
  return typeof type === 'string' && /trigger$/i.test(type);
}

export class LocalFunctionsCore {
  readonly version = '3.10.1';
  readonly hostVersion = '4.1037.0';
  /** A marker the host uses to tell its own core from another one in the same process. */
  readonly isRepairRelayLocalHost = true;
  readonly Disposable = Disposable;
  programmingModel: ProgrammingModel | undefined;
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<HookName, Set<HookCallback>>();
  /** Set by the host while it loads a function file, so registrations can name their source. */
  loadingFile: string | undefined;
  /** Where `log` calls from the library (system messages) go. */
  systemLog: (level: CoreLogLevel, message: string) => void = (level, message) => {
    if (level === 'error' || level === 'critical') console.error(message);
    else if (level === 'warning') console.warn(message);
  };

  setProgrammingModel(model: ProgrammingModel): void {
    this.programmingModel = model;
  }

  getProgrammingModel(): ProgrammingModel | undefined {
    return this.programmingModel;
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const name = metadata?.name;
    if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
      throw new FunctionsCoreError(`"${String(name)}" is not a valid function name: use letters, digits, "_" and "-", starting with a letter`);
    }
    if (typeof callback !== 'function') throw new FunctionsCoreError(`function ${name} has no handler`);
    const key = name.toLowerCase();
    if (this.functions.has(key)) {
      throw new FunctionsCoreError(`a function named "${name}" is already registered (names are case-insensitive)`);
    }
    const triggers = Object.entries(metadata.bindings ?? {}).filter(([, binding]) => isTriggerType(binding.type));
    if (triggers.length !== 1) {
      throw new FunctionsCoreError(`function ${name} must have exactly one trigger binding, not ${triggers.length}`);
    }
    const [triggerName, trigger] = triggers[0]!;
    const registered: RegisteredFunction = {
      name,
      metadata,
      callback,
      triggerName,
      trigger,
      ...(this.loadingFile ? { source: this.loadingFile } : {}),
    };
    this.functions.set(key, registered);
    return new Disposable(() => {
      if (this.functions.get(key) === registered) this.functions.delete(key);
    });
  }

  registerHook(hookName: string, callback: HookCallback): Disposable {
    const name = hookName as HookName;
    let set = this.hooks.get(name);
    if (!set) {
      set = new Set();
      this.hooks.set(name, set);
    }
    set.add(callback);
    return new Disposable(() => set.delete(callback));
  }

  hooksFor(name: HookName): HookCallback[] {
    return [...(this.hooks.get(name) ?? [])];
  }

  log(level: CoreLogLevel, _category: string, message: string): void {
    this.systemLog(level, message);
  }

  getFunctions(): RegisteredFunction[] {
    return [...this.functions.values()];
  }
}

const CORE_KEY = Symbol.for('repair-relay.local-functions-core');
const HOOK_KEY = Symbol.for('repair-relay.local-functions-core.require-hook');
type GlobalWithCore = typeof globalThis & { [CORE_KEY]?: LocalFunctionsCore; [HOOK_KEY]?: boolean };

/** The process's one core: the `@azure/functions` library binds to a core once per process. */
export function localFunctionsCore(): LocalFunctionsCore {
  const global = globalThis as GlobalWithCore;
  global[CORE_KEY] ??= new LocalFunctionsCore();
  return global[CORE_KEY];
}

type RequireFn = (this: unknown, id: string) => unknown;

/**
 * Answers `require('@azure/functions-core')` with the local core, as the worker does, before any
 * function module is loaded. Idempotent; earlier hooks stay in place for every other module.
 */
export function installFunctionsCore(): LocalFunctionsCore {
  const core = localFunctionsCore();
  const global = globalThis as GlobalWithCore;
  if (!global[HOOK_KEY]) {
    const proto = (Module as unknown as { prototype: { require: RequireFn } }).prototype;
    const previous = proto.require;
    proto.require = function requireWithFunctionsCore(this: unknown, id: string) {
      if (id === '@azure/functions-core') return core;
      return previous.call(this, id);
    };
    global[HOOK_KEY] = true;
  }
  return core;
}
