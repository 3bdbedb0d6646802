import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * docs/benchmarks.md has a short machine description at the top and one `##` section per
 * benchmark. Each bench rewrites only the text between its own markers, so hand-written analysis
 * around the markers and the other benches' sections are kept.
 */
export const BENCHMARKS_DOC = resolve(__dirname, '../../docs/benchmarks.md');

const HEADER = `# Benchmarks

Figures from \`npm run bench\` (every benchmark in turn) or \`npm run bench:<name>\` (one of them).
Benchmarks are not tests: \`npm test\` never runs them. Each one creates throwaway databases, stops by
itself and drops what it created. Each bench rewrites only the text between its own
\`<!-- bench:... -->\` markers; the prose around them is written by hand.
`;

const start = (key: string) => `<!-- bench:${key}:start -->`;
const end = (key: string) => `<!-- bench:${key}:end -->`;

function replaceBlock(text: string, key: string, body: string): string | undefined {
  const from = text.indexOf(start(key));
  const to = text.indexOf(end(key));
  if (from < 0 || to < from) return undefined;
  return `${text.slice(0, from + start(key).length)}\n${body.trim()}\n${text.slice(to)}`;
}

/** Rewrites the machine description and the section `## <title>` (created at the end if missing). */
export function writeBenchmarkSection(options: { key: string; title: string; body: string; machine: string; path?: string }): void {
  const path = options.path ?? BENCHMARKS_DOC;
  let text = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  text =
    replaceBlock(text, 'machine', options.machine) ??
    text.replace(/\n## /, `\n${start('machine')}\n${options.machine.trim()}\n${end('machine')}\n\n## `);
  if (!text.includes(start('machine'))) text = `${text.trimEnd()}\n\n${start('machine')}\n${options.machine.trim()}\n${end('machine')}\n`;
  text =
    replaceBlock(text, options.key, options.body) ??
    `${text.trimEnd()}\n\n## ${options.title}\n\n${start(options.key)}\n${options.body.trim()}\n${end(options.key)}\n`;
  writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
}
