/**
 * A failure of our own infrastructure that passes by itself (a refused or cut connection, a
 * timeout, throttling, a deadlock), as adapters report it: work that meets one is put off and
 * tried again, never dead-lettered for it. `cause` is the driver's own error.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';

  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
