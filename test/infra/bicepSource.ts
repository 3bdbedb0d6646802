/**
 * Just enough of Bicep's syntax to check the templates offline (no Bicep compiler here): comments,
 * strings with `${...}` interpolation, bracket nesting, newline-separated top-level statements and
 * object entries. It reads the text; it does not evaluate expressions.
 */
import { readFileSync } from 'node:fs';

/** Index just past the string literal that opens at `start` (a `'`), interpolations included. */
function skipString(src: string, start: number): number {
  if (src.startsWith("'''", start)) {
    const end = src.indexOf("'''", start + 3);
    if (end < 0) throw new Error(`unterminated multi-line string at ${start}`);
    return end + 3;
  }
  let i = start + 1;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\') {
      i += 2;
    } else if (ch === "'") {
      return i + 1;
    } else if (ch === '$' && src[i + 1] === '{') {
      i = skipBalanced(src, i + 1);
    } else {
      i += 1;
    }
  }
  throw new Error(`unterminated string at ${start}`);
}

const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Index just past the bracket group that opens at `start`. */
function skipBalanced(src: string, start: number): number {
  const stack = [OPENERS[src[start]!]];
  let i = start + 1;
  while (i < src.length && stack.length > 0) {
    const ch = src[i]!;
    if (ch === "'") {
      i = skipString(src, i);
      continue;
    }
    if (OPENERS[ch]) stack.push(OPENERS[ch]);
    else if (ch === stack[stack.length - 1]) stack.pop();
    i += 1;
  }
  if (stack.length > 0) throw new Error(`unbalanced brackets from ${start}`);
  return i;
}

/** The source with `//` and block comments blanked out (newlines kept, strings untouched). */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "'") {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i += 1;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** Splits text on newlines that are outside strings and brackets; trimmed, empty parts dropped. */
export function splitTopLevelLines(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      const end = skipString(text, i);
      current += text.slice(i, end);
      i = end;
    } else if (OPENERS[ch]) {
      const end = skipBalanced(text, i);
      current += text.slice(i, end);
      i = end;
    } else if (ch === '\n') {
      parts.push(current);
      current = '';
      i += 1;
    } else {
      current += ch;
      i += 1;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Top-level entries of an object literal `{ ... }`: key (quotes removed) to raw value text. */
export function objectEntries(objectText: string): Map<string, string> {
  const text = objectText.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) throw new Error(`not an object literal: ${text.slice(0, 60)}`);
  const entries = new Map<string, string>();
  for (const line of splitTopLevelLines(text.slice(1, -1))) {
    const match = /^('(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*)\s*:\s*([\s\S]*)$/.exec(line);
    if (!match) throw new Error(`not an object entry: ${line.slice(0, 80)}`);
    const rawKey = match[1]!;
    const key = rawKey.startsWith("'") ? rawKey.slice(1, -1) : rawKey;
    if (entries.has(key)) throw new Error(`duplicate key ${key}`);
    entries.set(key, match[2]!.trim());
  }
  return entries;
}

/** Items of an array literal `[ ... ]` written one per line, as raw text. */
export function arrayItems(arrayText: string): string[] {
  const text = arrayText.trim();
  if (!text.startsWith('[') || !text.endsWith(']')) throw new Error(`not an array literal: ${text.slice(0, 60)}`);
  return splitTopLevelLines(text.slice(1, -1));
}

/** The value of a Bicep string literal without interpolation, or undefined for anything else. */
export function stringLiteral(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const match = /^'((?:[^'\\$]|\\.|\$(?!\{))*)'$/.exec(raw.trim());
  return match ? match[1]!.replace(/\\(.)/g, '$1') : undefined;
}

export interface Statement {
  kind: 'param' | 'var' | 'resource' | 'module' | 'output' | 'targetScope' | 'other';
  name: string;
  decorators: string[];
  text: string;
}

export interface Param extends Statement {
  type: string;
  defaultValue?: string;
  secure: boolean;
}

export interface Declared extends Statement {
  /** Resource type or module path. */
  target: string;
  apiVersion?: string;
  condition?: string;
  body: string;
}

export class BicepFile {
  readonly raw: string;
  readonly source: string;
  readonly statements: Statement[] = [];

  constructor(readonly path: string) {
    this.raw = readFileSync(path, 'utf8');
    this.source = stripComments(this.raw);
    let decorators: string[] = [];
    for (const chunk of splitTopLevelLines(this.source)) {
      if (chunk.startsWith('@')) {
        decorators.push(chunk);
        continue;
      }
      const head = /^(param|var|resource|module|output|targetScope)\b\s*([A-Za-z_][A-Za-z0-9_]*)?/.exec(chunk);
      const kind = (head?.[1] ?? 'other') as Statement['kind'];
      this.statements.push({ kind, name: head?.[2] ?? '', decorators, text: chunk });
      decorators = [];
    }
  }

  params(): Param[] {
    return this.statements
      .filter((s) => s.kind === 'param')
      .map((s) => {
        const match = /^param\s+(\w+)\s+(\w+)(?:\s*=\s*([\s\S]+))?$/.exec(s.text);
        if (!match) throw new Error(`${this.path}: cannot read ${s.text}`);
        return {
          ...s,
          type: match[2]!,
          ...(match[3] !== undefined ? { defaultValue: match[3].trim() } : {}),
          secure: s.decorators.some((d) => /^@secure\(\s*\)$/.test(d)),
        };
      });
  }

  param(name: string): Param {
    const found = this.params().find((p) => p.name === name);
    if (!found) throw new Error(`${this.path}: no param ${name}`);
    return found;
  }

  variable(name: string): string {
    const statement = this.statements.find((s) => s.kind === 'var' && s.name === name);
    if (!statement) throw new Error(`${this.path}: no var ${name}`);
    return statement.text.replace(/^var\s+\w+\s*=\s*/, '').trim();
  }

  private declared(kind: 'resource' | 'module'): Declared[] {
    return this.statements
      .filter((s) => s.kind === kind)
      .map((s) => {
        const match = /^(?:resource|module)\s+(\w+)\s+'([^']+)'\s*(existing\s*)?=\s*(?:if\s*([^{]*?)\s*)?(\{[\s\S]*\})$/.exec(s.text);
        if (!match) throw new Error(`${this.path}: cannot read ${s.text.slice(0, 80)}`);
        const [target, apiVersion] = match[2]!.split('@');
        return {
          ...s,
          target: target!,
          ...(apiVersion !== undefined ? { apiVersion } : {}),
          ...(match[4] !== undefined ? { condition: match[4] } : {}),
          body: match[5]!,
        };
      });
  }

  resources(): Declared[] {
    return this.declared('resource');
  }

  resourcesOfType(type: string): Declared[] {
    return this.resources().filter((r) => r.target.toLowerCase() === type.toLowerCase());
  }

  modules(): Declared[] {
    return this.declared('module');
  }

  module(name: string): Declared {
    const found = this.modules().find((m) => m.name === name);
    if (!found) throw new Error(`${this.path}: no module ${name}`);
    return found;
  }

  outputs(): Map<string, string> {
    const result = new Map<string, string>();
    for (const s of this.statements.filter((st) => st.kind === 'output')) {
      const match = /^output\s+(\w+)\s+\w+\s*=\s*([\s\S]+)$/.exec(s.text);
      if (!match) throw new Error(`${this.path}: cannot read ${s.text}`);
      result.set(match[1]!, match[2]!.trim());
    }
    return result;
  }
}

/** Follows a dotted path of object keys through nested object literals. */
export function entryAt(objectText: string, path: string[]): string | undefined {
  let current: string | undefined = objectText;
  for (const key of path) {
    if (current === undefined || !current.trim().startsWith('{')) return undefined;
    current = objectEntries(current).get(key);
  }
  return current;
}

/** ISO 8601 duration (days and time part) in minutes; throws on anything else. */
export function isoDurationMinutes(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${duration}`);
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 1440 + Number(hours ?? 0) * 60 + Number(minutes ?? 0) + Number(seconds ?? 0) / 60;
}
