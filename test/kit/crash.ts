/** What `crashAfter` throws: a process dying right after a write. */
export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/** An injected crash, as thrown or as the cause a use case wrapped it in (it cannot tell a crash from a failure). */
export function isInjectedCrash(error: unknown): boolean {
  return error instanceof InjectedCrash || (error instanceof Error && error.cause instanceof InjectedCrash);
}

/**
 * Wraps a port so that the `nth` call of `method` throws after the real call has taken effect,
 * like a process dying right after a write.
 */
export function crashAfter<T extends object>(target: T, method: keyof T & string, nth = 1): T {
  let calls = 0;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(obj) : value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        calls += 1;
        if (calls === nth) throw new InjectedCrash(`crash after ${method} #${nth}`);
        return result;
      };
    },
  });
}
