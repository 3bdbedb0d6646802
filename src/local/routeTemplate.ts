/**
 * Route templates as the Functions host reads them (ASP.NET Core route syntax): literal segments,
 * `{name}` parameters, optional `{name?}`, defaults `{name=value}`, constraints `{id:int}`,
 * `{id:min(1)}`, `{code:regex(^\d{{3}}$)}`, complex segments `{file}.{ext}` and catch-alls `{*rest}`.
 * Literal segments match case-insensitively and a trailing slash is ignored, as in the host.
 */

export class RouteTemplateError extends Error {
  override readonly name = 'RouteTemplateError';
}

export interface RouteConstraint {
  name: string;
  args: string[];
  test(value: string): boolean;
}

export interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: RouteConstraint[];
}

export type RoutePart = { kind: 'literal'; text: string } | { kind: 'parameter'; parameter: RouteParameter };

export interface RouteTemplate {
  template: string;
  segments: RoutePart[][];
  parameters: RouteParameter[];
  /** ASP.NET-style inbound precedence: lower sorts first (literals before parameters before catch-alls). */
  precedence: number[];
  match(path: string): Record<string, string> | undefined;
}

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT32 = { min: -2147483648n, max: 2147483647n };
const INT64 = { min: -9223372036854775808n, max: 9223372036854775807n };
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function integerWithin(value: string, range: { min: bigint; max: bigint }): boolean {
  if (!INTEGER.test(value)) return false;
  const n = BigInt(value);
  return n >= range.min && n <= range.max;
}

function numberArg(constraint: string, raw: string | undefined): bigint {
  if (raw === undefined || !INTEGER.test(raw.trim())) {
    throw new RouteTemplateError(`constraint ${constraint} needs whole-number arguments, not "${raw ?? ''}"`);
  }
  return BigInt(raw.trim());
}

function buildConstraint(name: string, args: string[]): RouteConstraint {
  const lower = name.toLowerCase();
  const make = (test: (value: string) => boolean): RouteConstraint => ({ name: lower, args, test });
  const arity = (count: number | number[]) => {
    const allowed = Array.isArray(count) ? count : [count];
    if (!allowed.includes(args.length)) {
      throw new RouteTemplateError(`constraint ${name} takes ${allowed.join(' or ')} argument(s), not ${args.length}`);
    }
  };
  switch (lower) {
    case 'int':
      arity(0);
      return make((v) => integerWithin(v, INT32));
    case 'long':
      arity(0);
      return make((v) => integerWithin(v, INT64));
    case 'bool':
      arity(0);
      return make((v) => /^(true|false)$/i.test(v));
    case 'guid':
      arity(0);
      return make((v) => /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i.test(v));
    case 'alpha':
      arity(0);
      return make((v) => /^[A-Za-z]+$/.test(v));
    case 'decimal':
    case 'double':
    case 'float':
      arity(0);
      return make((v) => NUMBER.test(v) && Number.isFinite(Number(v)));
    case 'datetime':
      arity(0);
      return make((v) => !Number.isNaN(Date.parse(v)));
    case 'required':
      arity(0);
      return make((v) => v.length > 0);
    case 'min': {
      arity(1);
      const min = numberArg(name, args[0]);
      return make((v) => integerWithin(v, INT64) && BigInt(v) >= min);
    }
    case 'max': {
      arity(1);
      const max = numberArg(name, args[0]);
      return make((v) => integerWithin(v, INT64) && BigInt(v) <= max);
    }
    case 'range': {
      arity(2);
      const [min, max] = [numberArg(name, args[0]), numberArg(name, args[1])];
      return make((v) => integerWithin(v, INT64) && BigInt(v) >= min && BigInt(v) <= max);
    }
    case 'length': {
      arity([1, 2]);
      const [a, b] = [Number(numberArg(name, args[0])), args[1] === undefined ? undefined : Number(numberArg(name, args[1]))];
      return make((v) => (b === undefined ? v.length === a : v.length >= a && v.length <= b));
    }
    case 'minlength': {
      arity(1);
      const min = Number(numberArg(name, args[0]));
      return make((v) => v.length >= min);
    }
    case 'maxlength': {
      arity(1);
      const max = Number(numberArg(name, args[0]));
      return make((v) => v.length <= max);
    }
    case 'regex': {
      const pattern = args.join(',');
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, 'i');
      } catch (error) {
        throw new RouteTemplateError(`constraint regex(${pattern}) is not a valid regular expression: ${(error as Error).message}`);
      }
      return { name: lower, args: [pattern], test: (v) => regex.test(v) };
    }
    default:
      throw new RouteTemplateError(`unknown route constraint "${name}"`);
  }
}

/** Splits `int:min(1)` into constraints, keeping colons and commas inside parentheses. */
function parseConstraints(text: string): RouteConstraint[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ':' && depth === 0) {
      pieces.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  pieces.push(current);
  return pieces.map((piece) => {
    const call = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(piece.trim());
    if (!call) throw new RouteTemplateError(`route constraint "${piece}" is not of the form name or name(arguments)`);
    const [, name, rawArgs] = call;
    const args = rawArgs === undefined ? [] : name!.toLowerCase() === 'regex' ? [rawArgs] : rawArgs.split(',');
    return buildConstraint(name!, args);
  });
}

function parseParameter(body: string): RouteParameter {
  let rest = body.trim();
  let catchAll = false;
  if (rest.startsWith('**')) {
    catchAll = true;
    rest = rest.slice(2);
  } else if (rest.startsWith('*')) {
    catchAll = true;
    rest = rest.slice(1);
  }
  const nameMatch = /^[^:?=]*/.exec(rest)!;
  const name = nameMatch[0].trim();
  rest = rest.slice(nameMatch[0].length);
  if (!PARAMETER_NAME.test(name)) throw new RouteTemplateError(`"${name}" is not a valid route parameter name`);

  let constraintText = '';
  let optional = false;
  let defaultValue: string | undefined;
  if (rest.startsWith(':')) {
    // Constraints run up to a top-level "=" (default) or a final "?" (optional).
    let depth = 0;
    let end = rest.length;
    for (let i = 1; i < rest.length; i += 1) {
      const ch = rest[i];
      if (ch === '(') depth += 1;
      else if (ch === ')') depth -= 1;
      else if (depth === 0 && ch === '=') {
        end = i;
        break;
      } else if (depth === 0 && ch === '?' && i === rest.length - 1) {
        end = i;
        break;
      }
    }
    constraintText = rest.slice(1, end);
    rest = rest.slice(end);
  }
  if (rest.startsWith('=')) {
    defaultValue = rest.slice(1);
    rest = '';
  } else if (rest === '?') {
    optional = true;
    rest = '';
  }
  if (rest !== '') throw new RouteTemplateError(`cannot read route parameter "{${body}}"`);
  if (catchAll && optional) throw new RouteTemplateError(`catch-all parameter "${name}" cannot be marked optional; it already is`);
  return {
    name,
    optional,
    catchAll,
    ...(defaultValue === undefined ? {} : { defaultValue }),
    constraints: constraintText ? parseConstraints(constraintText) : [],
  };
}

/** Splits a template into segments of literal and parameter parts; `{{` and `}}` are literal braces. */
function tokenize(template: string): RoutePart[][] {
  const segments: RoutePart[][] = [];
  let parts: RoutePart[] = [];
  let literal = '';
  const flushLiteral = () => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  const endSegment = () => {
    flushLiteral();
    if (parts.length === 0) throw new RouteTemplateError('a route cannot contain an empty segment ("//")');
    segments.push(parts);
    parts = [];
  };
  for (let i = 0; i < template.length; i += 1) {
    const ch = template[i]!;
    if (ch === '{' && template[i + 1] === '{') {
      literal += '{';
      i += 1;
    } else if (ch === '}' && template[i + 1] === '}') {
      literal += '}';
      i += 1;
    } else if (ch === '{') {
      let body = '';
      let j = i + 1;
      for (; j < template.length; j += 1) {
        if (template[j] === '}' && template[j + 1] === '}') {
          body += '}';
          j += 1;
        } else if (template[j] === '{' && template[j + 1] === '{') {
          body += '{';
          j += 1;
        } else if (template[j] === '}') break;
        else body += template[j];
      }
      if (j >= template.length) throw new RouteTemplateError(`unclosed "{" in route "${template}"`);
      flushLiteral();
      if (parts.at(-1)?.kind === 'parameter') {
        throw new RouteTemplateError(`a route segment cannot hold two parameters without a literal between them ("${template}")`);
      }
      parts.push({ kind: 'parameter', parameter: parseParameter(body) });
      i = j;
    } else if (ch === '}') {
      throw new RouteTemplateError(`unmatched "}" in route "${template}"`);
    } else if (ch === '/') {
      endSegment();
    } else if (ch === '?' || ch === '#') {
      throw new RouteTemplateError(`a route cannot contain "${ch}" outside a parameter ("${template}")`);
    } else {
      literal += ch;
    }
  }
  endSegment();
  return segments;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function segmentKind(parts: RoutePart[]): number {
  if (parts.length > 1) return 2;
  const [part] = parts;
  if (part!.kind === 'literal') return 1;
  if (part!.parameter.catchAll) return 5;
  return part!.parameter.constraints.length > 0 ? 3 : 4;
}

function decodeSegmentValue(raw: string): string {
  try {
    // Like the host, an encoded "/" stays encoded so it cannot change how a path splits.
    return decodeURIComponent(raw.replace(/%2F/gi, '%252F'));
  } catch {
    return raw;
  }
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.trim().replace(/^[~]?\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') {
    return { template, segments: [], parameters: [], precedence: [], match: (path) => (path.replace(/^\/+|\/+$/g, '') === '' ? {} : undefined) };
  }
  const segments = tokenize(trimmed);
  const parameters: RouteParameter[] = [];
  const seen = new Set<string>();
  let optionalTail = false;
  let pattern = '^';
  segments.forEach((parts, index) => {
    const last = index === segments.length - 1;
    const first = parts[0]!;
    const single = parts.length === 1 && first.kind === 'parameter' ? first.parameter : undefined;
    for (const part of parts) {
      if (part.kind !== 'parameter') continue;
      const p = part.parameter;
      const key = p.name.toLowerCase();
      if (seen.has(key)) throw new RouteTemplateError(`route parameter "${p.name}" appears twice in "${template}"`);
      seen.add(key);
      parameters.push(p);
      if (p.catchAll && (!last || parts.length > 1)) throw new RouteTemplateError(`catch-all parameter "${p.name}" must be the whole last segment of "${template}"`);
      if ((p.optional || p.defaultValue !== undefined) && parts.length > 1 && part !== parts.at(-1)) {
        throw new RouteTemplateError(`optional parameter "${p.name}" must come last in its segment of "${template}"`);
      }
    }
    const segmentOptional = single !== undefined && (single.optional || single.defaultValue !== undefined || single.catchAll);
    if (optionalTail && !segmentOptional) {
      throw new RouteTemplateError(`in "${template}" only optional parameters may follow an optional parameter`);
    }
    optionalTail ||= segmentOptional;
    const prefix = index === 0 ? '/?' : '/';
    if (single?.catchAll) {
      pattern += `(?:${prefix}(.*))?`;
    } else if (segmentOptional) {
      pattern += `(?:${prefix}([^/]+))?`;
    } else {
      pattern += prefix;
      for (const part of parts) {
        pattern += part.kind === 'literal' ? escapeRegex(part.text) : parts.length === 1 ? '([^/]+)' : part.parameter.optional ? '([^/]*)' : '([^/]+)';
      }
    }
  });
  pattern += '/?$';
  const regex = new RegExp(pattern, 'i');
  const precedence = segments.map(segmentKind);

  return {
    template,
    segments,
    parameters,
    precedence,
    match(path) {
      const normalised = path.replace(/^\/+/, '');
      const found = regex.exec(normalised);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      for (const [i, parameter] of parameters.entries()) {
        const raw = found[i + 1];
        if (raw === undefined || raw === '') {
          if (parameter.defaultValue !== undefined) params[parameter.name] = parameter.defaultValue;
          continue;
        }
        const value = parameter.catchAll ? raw.split('/').map(decodeSegmentValue).join('/') : decodeSegmentValue(raw);
        if (!parameter.constraints.every((constraint) => constraint.test(value))) return undefined;
        params[parameter.name] = value;
      }
      return params;
    },
  };
}

/** Orders routes the way ASP.NET chooses between candidates: more specific first. */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.min(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i += 1) {
    const diff = a.precedence[i]! - b.precedence[i]!;
    if (diff !== 0) return diff;
  }
  return a.precedence.length - b.precedence.length;
}
