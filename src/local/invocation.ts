import { randomUUID } from 'node:crypto';
import {
  FunctionsCoreError,
  type CoreInvocationContext,
  type CoreLogLevel,
  type LocalFunctionsCore,
  type RegisteredFunction,
  type RpcInvocationResponse,
  type RpcTypedData,
} from './functionsCore.js';

export interface InvocationRequest {
  /** The trigger's input, as the host would send it over RPC. */
  triggerData: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  invocationId?: string;
  /** Why the host runs the function, for the "Executing" log line (like the Functions host's Reason). */
  reason: string;
}

export interface InvocationOutcome {
  invocationId: string;
  response: RpcInvocationResponse;
  durationMs: number;
}

export type HostLog = (level: CoreLogLevel, source: string, message: string) => void;

/** Runs every function invocation of the local host and counts the ones in flight, for shutdown. */
export class Invoker {
  private readonly running = new Set<Promise<unknown>>();
  private readonly appHookData: Record<string, unknown> = {};

  constructor(
    private readonly core: LocalFunctionsCore,
    private readonly log: HostLog,
    private readonly functionTimeoutMs: number | undefined,
  ) {}

  get inFlight(): number {
    return this.running.size;
  }

  /**
   * One invocation the way the Node.js worker runs it: the programming model's invocation model
   * turns RPC data into the library's objects, preInvocation hooks run, the handler runs,
   * postInvocation hooks run, and the result is converted back to RPC data. A handler's error is
   * rethrown after it has been logged, so triggers can react to it (abandon a message, answer 500).
   */
  invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome> {
    const promise = this.run(fn, request);
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Resolves once every invocation that has started has finished, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
    }
    return true;
  }

  async runAppHooks(name: 'appStart' | 'appTerminate', functionAppDirectory: string): Promise<void> {
    for (const hook of this.core.hooksFor(name)) {
      await hook({ hookData: {}, appHookData: this.appHookData, ...(name === 'appStart' ? { functionAppDirectory } : {}) });
    }
  }

  private async run(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome> {
    const model = this.core.programmingModel;
    if (!model) throw new FunctionsCoreError('the @azure/functions library never set its programming model');
    const invocationId = request.invocationId ?? randomUUID();
    const started = Date.now();
    const source = fn.name;
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.name,
        inputData: [{ name: fn.triggerName, data: request.triggerData }],
        triggerMetadata: request.triggerMetadata ?? {},
      },
      metadata: fn.metadata,
      log: (level, category, message) => this.log(level, category === 'system' ? `${source} (system)` : source, message),
    };
    this.log('information', source, `Executing 'Functions.${fn.name}' (Reason='${request.reason}', Id=${invocationId})`);
    const overrun =
      this.functionTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            this.log('warning', source, `still running after the functionTimeout of ${this.functionTimeoutMs} ms; Azure would stop it here (Id=${invocationId})`);
          }, this.functionTimeoutMs);
    overrun?.unref();
    try {
      const invocation = model.getInvocationModel(coreCtx);
      const { context, inputs: initialInputs } = await invocation.getArguments();

      const hookData: Record<string, unknown> = {};
      const pre: Record<string, unknown> = {
        hookData,
        appHookData: this.appHookData,
        invocationContext: context,
        functionCallback: fn.callback,
        inputs: initialInputs,
      };
      coreCtx.state = 'preInvocationHooks';
      for (const hook of this.core.hooksFor('preInvocation')) await hook(pre);

      coreCtx.state = 'invocation';
      let result: unknown;
      let error: unknown;
      try {
        result = await invocation.invokeFunction(context, pre.inputs as unknown[], pre.functionCallback as typeof fn.callback);
      } catch (caught) {
        error = caught;
      }

      const post: Record<string, unknown> = {
        hookData,
        appHookData: this.appHookData,
        invocationContext: context,
        inputs: pre.inputs,
        result,
        error,
      };
      coreCtx.state = 'postInvocationHooks';
      for (const hook of this.core.hooksFor('postInvocation')) await hook(post);
      coreCtx.state = undefined;
      if (post.error !== undefined && post.error !== null) throw post.error;

      const response = await invocation.getResponse(context, post.result);
      const durationMs = Date.now() - started;
      this.log('information', source, `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${durationMs}ms)`);
      return { invocationId, response, durationMs };
    } catch (error) {
      const durationMs = Date.now() - started;
      this.log('error', source, `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${durationMs}ms): ${describeError(error)}`);
      throw error;
    } finally {
      clearTimeout(overrun);
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
