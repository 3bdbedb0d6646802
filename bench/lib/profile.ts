import { stepName } from '../../test/kit/steps.js';
import { ms } from './stats.js';
import type { Row } from './table.js';

/**
 * Wraps port implementations so every call is timed, without touching src: the wrapped object is
 * the real adapter, called with itself as `this`. Steps that overlap (the poller reads its look-back
 * and sweep with Promise.all) are each counted in full, so the sum can exceed wall time slightly.
 */
export interface StepTotal {
  calls: number;
  ms: number;
}

export class Profile {
  readonly steps = new Map<string, StepTotal>();

  wrap<T extends object>(name: string, target: T): T {
    return new Proxy(target, {
      get: (object, property) => {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
        const key = `${name}.${property}`;
        return (...args: unknown[]) => {
          const start = performance.now();
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(object, args);
          } catch (error) {
            this.add(key, performance.now() - start);
            throw error;
          }
          if (result instanceof Promise) return result.finally(() => this.add(key, performance.now() - start));
          this.add(key, performance.now() - start);
          return result;
        };
      },
    });
  }

  private add(key: string, elapsed: number): void {
    const step = this.steps.get(key) ?? { calls: 0, ms: 0 };
    step.calls += 1;
    step.ms += elapsed;
    this.steps.set(key, step);
  }

  total(): number {
    return [...this.steps.values()].reduce((sum, step) => sum + step.ms, 0);
  }
}

/**
 * The table of steps per poll that the idle-poll reports share: one row per step (named by the
 * test kit's stepName), and per profile its calls and time per poll; sorted by the last profile's time.
 */
export function stepsPerPollRows(profiles: readonly Profile[], polls: number): Row[] {
  const last = profiles.at(-1)!;
  const keys = [...new Set(profiles.flatMap((profile) => [...profile.steps.keys()]))].sort(
    (a, b) => (last.steps.get(b)?.ms ?? 0) - (last.steps.get(a)?.ms ?? 0),
  );
  return keys.map((key) => [
    stepName(key),
    ...profiles.flatMap((profile) => {
      const step = profile.steps.get(key);
      return step ? [(step.calls / polls).toFixed(0), ms(step.ms / polls, 2)] : ['-', '-'];
    }),
  ]);
}
