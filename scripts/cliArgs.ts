import { PaymentInputError } from './lib/paymentRequest.js';

/** `<positional>... --name value --name=value`, as the npm run scripts take them. */
export function parseArgs(argv: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string?];
      const value = inline ?? argv[++i];
      if (value === undefined) throw new PaymentInputError(`--${name} needs a value`);
      flags[name] = value;
    } else positional.push(arg);
  }
  return { positional, flags };
}
