import Module from 'node:module';
import { registrations, functionsCore } from '../support/functionsCore.js';

/**
 * The Functions worker hands `@azure/functions` a module named `@azure/functions-core`; we do the
 * same so that the app's real registrations are captured instead of the library's test mode.
 */
type RequireFn = (this: unknown, id: string) => unknown;
const moduleProto = (Module as unknown as { prototype: { require: RequireFn } }).prototype;
const originalRequire = moduleProto.require;
moduleProto.require = function patchedRequire(this: unknown, id: string) {
  if (id === '@azure/functions-core') return functionsCore;
  return originalRequire.call(this, id);
};

export { registrations };
