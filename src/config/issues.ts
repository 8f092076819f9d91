/**
 * Turns zod issues into one-line, human problems. zod's own messages
 * ("Invalid input: expected string, received undefined") describe the
 * validator, not the config; these say what to change.
 */
import { maskedUrl } from './urls.js';
import type { z } from 'zod';
import { closest, didYouMean, type PathSegment, type Problem } from './errors.js';
import { pathKey } from './interpolate.js';

type Issue = z.core.$ZodIssue;

interface Def {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  innerType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  in?: z.core.$ZodType;
}

const defOf = (s: z.core.$ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema found by following `path`, to list the keys it accepts. */
function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.core.$ZodType | undefined = schema;
  const unwrap = () => {
    for (let d = s && defOf(s); d && (d.innerType || d.in); d = s && defOf(s)) s = d.innerType ?? d.in;
  };
  for (const seg of path) {
    unwrap();
    if (!s) return [];
    const d = defOf(s);
    if (d.type === 'object') s = d.shape?.[String(seg)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else return [];
  }
  unwrap();
  const d = s && defOf(s);
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) {
      return { found: false, value: undefined };
    }
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value: v };
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function show(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    // masked before it is cut: a cut through a password would leave a piece no redaction recognises
    const masked = maskedUrl(value);
    return JSON.stringify(masked.length > 40 ? `${masked.slice(0, 37)}...` : masked);
  }
  return String(value);
}

interface IssueContext {
  schema: z.core.$ZodType;
  data: unknown;
  /** values that came from ${VAR}: named by variable, never echoed */
  fromEnv: Map<string, string[]>;
}

export function formatIssues(issues: readonly Issue[], ctx: IssueContext): Problem[] {
  return issues.flatMap((issue) => formatIssue(issue, ctx));
}

function formatIssue(issue: Issue, ctx: IssueContext): Problem[] {
  const path = issue.path as PathSegment[];
  const { found, value } = valueAt(ctx.data, path);
  const vars = ctx.fromEnv.get(pathKey(path));
  const got = vars ? `the value of \${${vars.join('}, ${')}}` : show(value);
  const one = (message: string): Problem[] => [{ path, message }];

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(ctx.schema, path);
      return issue.keys.map((key) => {
        const hint = closest(key, known);
        const tail = hint
          ? ` (did you mean "${hint}"?)`
          : known.length > 0 ? ` (known keys: ${known.join(', ')})` : '';
        return { path: [...path, key], message: `unknown key${tail}` };
      });
    }
    case 'invalid_type': {
      if (!found) return one('required');
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      let hint = '';
      const scalar = issue.expected === 'boolean' ? /^(true|false)$/ : /^-?\d+(\.\d+)?$/;
      if (['number', 'int', 'boolean'].includes(issue.expected) && typeof value === 'string') {
        // ${VAR} always yields a string; a quoted "200" in YAML is one too
        if (vars) hint = ' (variables are substituted as strings; write the value in the file)';
        else if (scalar.test(value)) hint = ' (remove the quotes)';
        // YAML 1.1 habits: yes/no/on/off are plain strings in YAML 1.2
        else if (issue.expected === 'boolean' && /^(yes|no|on|off|y|n)$/i.test(value)) hint = ' (write true or false)';
      }
      return one(`expected ${expected}, got ${got}${hint}`);
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      if (!found) return one(`required: one of ${options.join(', ')}`);
      const hint = typeof value === 'string' && !vars
        ? didYouMean(value, issue.values.filter((v): v is string => typeof v === 'string'))
        : '';
      return one(`expected one of ${options.join(', ')}, got ${got}${hint}`);
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string' && n === 1) return one('must not be empty');
      if (issue.origin === 'array') return one(`must have at least ${n} item${n === 1 ? '' : 's'}`);
      return one(issue.inclusive ? `must be at least ${n}, got ${got}` : `must be greater than ${n}, got ${got}`);
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'array') return one(`must have at most ${n} items`);
      return one(issue.inclusive ? `must be at most ${n}, got ${got}` : `must be less than ${n}, got ${got}`);
    }
    case 'invalid_format': {
      if (issue.format === 'url') return one(`expected an http:// or https:// URL, got ${got}`);
      // custom regex messages from the schema already say what is expected
      const custom = issue.format === 'regex' && !issue.message.startsWith('Invalid');
      return one(custom ? `${issue.message}, got ${got}` : `invalid ${issue.format}, got ${got}`);
    }
    case 'invalid_key': {
      const inner = issue.issues[0];
      const why = inner && !inner.message.startsWith('Invalid') ? inner.message : 'invalid name';
      return one(`invalid name: ${why}`);
    }
    case 'invalid_union': {
      if (!found) return one('required');
      const expected = issue.errors
        .map((branch) => branch[0])
        .filter((b): b is Extract<Issue, { code: 'invalid_type' }> => b?.code === 'invalid_type')
        .map((b) => EXPECTED[b.expected] ?? b.expected);
      if (expected.length === issue.errors.length && expected.length > 0) {
        const list = expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}` : expected[0];
        return one(`expected ${list}, got ${got}`);
      }
      return one(`invalid value ${got}`);
    }
    default:
      return one(issue.message);
  }
}
