/**
 * `${VAR}` interpolation, applied to string values after YAML parsing so that
 * a variable's value can never change the document's structure.
 *
 *   ${VAR}            the variable; unset or empty is a problem
 *   ${VAR:-default}   the default when VAR is unset or empty (shell semantics)
 *   $${VAR}           a literal "${VAR}", for passwords and patterns that need one
 *
 * A bare `$VAR` is left alone: secrets and log patterns contain `$` often.
 */
import type { PathSegment, Problem } from './errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Interpolated {
  value: unknown;
  problems: Problem[];
  /** formatPath-style keys of values that came (in part) from variables, so errors never echo secrets */
  fromEnv: Map<string, string[]>;
}

export function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map((s) => (typeof s === 'number' ? s : String(s))));
}

export function interpolate(data: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const problems: Problem[] = [];
  const fromEnv = new Map<string, string[]>();

  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (typeof v === 'string') {
      const r = expand(v, env);
      for (const message of r.problems) problems.push({ path, message });
      if (r.vars.length > 0) fromEnv.set(pathKey(path), r.vars);
      // keep the raw text on failure so validation does not pile a second,
      // misleading problem ("must not be empty") onto the same key
      return r.problems.length > 0 ? v : r.text;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };

  return { value: walk(data, []), problems, fromEnv };
}

interface Expansion {
  text: string;
  vars: string[];
  problems: string[];
}

function expand(s: string, env: NodeJS.ProcessEnv): Expansion {
  const out: Expansion = { text: '', vars: [], problems: [] };
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      out.text += '${';
      i += 3;
      continue;
    }
    if (!s.startsWith('${', i)) {
      out.text += s[i];
      i += 1;
      continue;
    }
    const end = s.indexOf('}', i + 2);
    const inner = end < 0 ? s.slice(i + 2) : s.slice(i + 2, end);
    const ref = end < 0 ? s.slice(i) : s.slice(i, end + 1);
    i = end < 0 ? s.length : end + 1;
    const sep = inner.indexOf(':-');
    const name = sep < 0 ? inner : inner.slice(0, sep);
    const fallback = sep < 0 ? undefined : inner.slice(sep + 2);
    if (end < 0 || !NAME.test(name) || fallback?.includes('${')) {
      out.problems.push(
        `invalid variable reference "${ref}" (expected \${NAME} or \${NAME:-default}; write $\${ for a literal "\${")`,
      );
      continue;
    }
    out.vars.push(name);
    const value = env[name];
    if (value !== undefined && value !== '') out.text += value;
    else if (fallback !== undefined) out.text += fallback;
    else if (value === undefined) out.problems.push(`environment variable ${name} is not set`);
    // an empty variable is almost always a broken env file, not an intended empty value
    else out.problems.push(`environment variable ${name} is empty (write \${${name}:-} to allow an empty value)`);
  }
  return out;
}
