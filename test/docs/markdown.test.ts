import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../..');
const MARKDOWN_FILES = ['README.md', 'ASSUMPTIONS.md', ...readdirSync(path.join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/**
 * Problems with the file's fenced code blocks (CommonMark: a fence is 3+ backticks or tildes; it
 * closes with the same character, at least as many, and nothing after). A block left open swallows
 * the rest of the file; a section heading inside a block is the sign of a block closed too late.
 */
function fenceProblems(markdown: string): string[] {
  const problems: string[] = [];
  let open: { char: string; length: number; line: number } | undefined;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(text);
    if (open) {
      if (fence && fence[1]![0] === open.char && fence[1]!.length >= open.length && fence[2]!.trim() === '') open = undefined;
      else if (/^#{2,6} /.test(text)) problems.push(`line ${line}: heading inside the code block opened on line ${open.line}`);
    } else if (fence) {
      open = { char: fence[1]![0]!, length: fence[1]!.length, line };
    }
  });
  if (open) problems.push(`the code block opened on line ${open.line} is never closed`);
  return problems;
}

/** Relative links whose file is missing or outside the repository (a clone has nothing beside it). */
function brokenLinks(file: string, markdown: string): string[] {
  const withoutCode = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^(https?:|mailto:|#)/.test(target))
    .filter((target) => {
      const resolved = path.resolve(repo, path.dirname(file), decodeURIComponent(target.split('#')[0]!));
      return path.relative(repo, resolved).startsWith('..') || !existsSync(resolved);
    });
}

describe('Markdown files (README, ASSUMPTIONS, docs/)', () => {
  it('finds an unclosed block and a block closed too late', () => {
    expect(fenceProblems('# A\n```sh\nls\n```\n## B\n')).toEqual([]);
    expect(fenceProblems('```sh\nls\n## B\n```\n')).toEqual(['line 3: heading inside the code block opened on line 1']);
    expect(fenceProblems('```sh\nls\n')).toEqual(['the code block opened on line 1 is never closed']);
    expect(fenceProblems('````md\n```sh\n```\n````\n')).toEqual([]);
  });

  it.each(MARKDOWN_FILES)('%s closes every code block before the next section', (file) => {
    expect(fenceProblems(readFileSync(path.join(repo, file), 'utf8'))).toEqual([]);
  });

  it.each(MARKDOWN_FILES)('%s links only to files inside the repository that exist', (file) => {
    expect(brokenLinks(file, readFileSync(path.join(repo, file), 'utf8'))).toEqual([]);
  });
});
