/**
 * Text → validated Config: YAML, then ${VAR} interpolation, then the schema,
 * then cross-field rules. Every stage after YAML reports all of its problems
 * so one edit-and-retry round fixes the whole file.
 */
import { isCollection, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { configSchema, RESERVED_NAMES, type Config } from './schema.js';
import { ConfigError, didYouMean, problemLine, type PathSegment, type Problem } from './errors.js';
import { interpolate } from './interpolate.js';
import { formatIssues } from './issues.js';
import { environmentReferenceProblems } from './references.js';
import { connectionUrlProblems, rememberConfigSecrets } from './urls.js';
import { redact } from '../text/redact.js';

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv): Config {
  const lineCounter = new LineCounter();
  // merge keys (<<: *base) let environments share thresholds and intervals
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) throw new ConfigError(file, yamlProblems(text, file, doc, lineCounter));
  const aliases = aliasProblems(doc, file, lineCounter);
  if (aliases.length > 0) throw new ConfigError(file, aliases);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // the yaml library's guard against expansion bombs; anything else it throws is as much the file's fault
    const why = err instanceof Error ? firstLine(err.message) : String(err);
    const bomb = /alias count/i.test(why);
    throw new ConfigError(file, [
      bomb
        ? `${file}: its aliases (*name, <<: *name) expand to too much (over ${MAX_ALIAS_COUNT} uses, counting nested ones): write the values out or use fewer nested aliases`
        : `${file}: cannot read the YAML: ${why}`,
    ]);
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [`${file}: the file is empty; expected a mapping with an "environments" key`]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [`${file}: expected a mapping with an "environments" key at the top level`]);
  }

  // `__proto__` would be dropped by every later copy of the object: refuse it while it is still there
  const reserved = reservedKeyProblems(raw, []);
  if (reserved.length > 0) throw new ConfigError(file, reserved.map((p) => problemLine(file, p)));

  const { value, problems, fromEnv } = interpolate(raw, env);
  // before anything can fail: the problems below may quote these values
  rememberConfigSecrets(value, fromEnv, env);
  const result = configSchema.safeParse(value);
  const reported = new Set(problems.map((p) => JSON.stringify(p.path)));
  if (!result.success) {
    for (const p of formatIssues(result.error.issues, { schema: configSchema, data: value, fromEnv })) {
      if (!reported.has(JSON.stringify(p.path))) problems.push(p);
    }
  }
  problems.push(...crossFieldProblems(value));
  for (const p of connectionUrlProblems(value)) if (!reported.has(JSON.stringify(p.path))) problems.push(p);

  if (problems.length > 0 || !result.success) {
    throw new ConfigError(file, sortByPosition(problems, doc).map((p) => redact(problemLine(file, p))));
  }
  return result.data;
}

/**
 * Limit on alias uses, each weighted by the aliases nested in what it points
 * to, as the yaml library counts them: a real config uses a handful of
 * `<<: *defaults`; a "billion laughs" needs thousands.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Aliases that point nowhere, or into themselves: the first makes toJS throw
 * a bare ReferenceError, the second builds a cyclic object that every later
 * walk of the config would follow forever. Both are reported at their line.
 */
function aliasProblems(doc: Document, file: string, lineCounter: LineCounter): string[] {
  const out: string[] = [];
  const at = (node: { range?: [number, number, number] | null }): string => {
    if (!node.range) return file;
    const { line, col } = lineCounter.linePos(node.range[0]);
    return `${file}:${line}:${col}`;
  };
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (!target) {
        out.push(`${at(alias)}: YAML alias *${alias.source} refers to no anchor &${alias.source} defined before it`);
        return;
      }
      if (isCollection(target) && path.includes(target as Node)) {
        out.push(`${at(alias)}: YAML alias *${alias.source} is inside the value it refers to (&${alias.source}), which would repeat forever`);
      }
    },
  });
  return out.slice(0, 5);
}

function reservedKeyProblems(v: unknown, path: PathSegment[]): Problem[] {
  if (Array.isArray(v)) return v.flatMap((item, i) => reservedKeyProblems(item, [...path, i]));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, item]) =>
    k === '__proto__' || (RESERVED_NAMES.has(k) && path.length === 1 && path[0] === 'environments')
      ? [{ path: [...path, k], message: `"${k}" is a reserved name; choose another` }]
      : reservedKeyProblems(item, [...path, k]),
  );
}

function crossFieldProblems(value: unknown): Problem[] {
  const v = value as { defaultEnvironment?: unknown; environments?: unknown };
  const envs = v.environments;
  if (!envs || typeof envs !== 'object' || Array.isArray(envs)) return [];
  const problems = Object.entries(envs).flatMap(([name, env]) => environmentReferenceProblems(name, env));
  const names = Object.keys(envs);
  if (typeof v.defaultEnvironment !== 'string' || names.length === 0 || names.includes(v.defaultEnvironment)) return problems;
  return [
    {
      path: ['defaultEnvironment'],
      message: `"${v.defaultEnvironment}" is not one of the environments (${names.join(', ')})${didYouMean(v.defaultEnvironment, names)}`,
    },
    ...problems,
  ];
}

/** Problems in the order their keys appear in the file, as an editor would list them. */
function sortByPosition(problems: Problem[], doc: Document): Problem[] {
  const offset = (p: Problem): number => {
    // a missing key has no node of its own: it sorts at the end of its parent
    // mapping, after the misspelt key that usually explains it
    for (let n = p.path.length; n >= 0; n--) {
      const node = doc.getIn(p.path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return n === p.path.length ? node.range[0] : node.range[1] - 0.5;
    }
    return 0;
  };
  return problems
    .map((p, i) => ({ p, i, at: offset(p) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.p);
}

/**
 * One problem per line of the file: a single real mistake (an unclosed
 * bracket, an unquoted ${VAR} in a flow mapping) makes the parser report a
 * cascade of knock-on errors on the same line, which only bury the first.
 */
function yamlProblems(text: string, file: string, doc: Document, lineCounter: LineCounter): string[] {
  const sourceLines = text.split(/\r?\n/);
  const seen = new Set<number>();
  const out: string[] = [];
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    if (seen.has(line)) continue;
    seen.add(line);
    const source = sourceLines[line - 1] ?? '';
    // "{ user: ${DB_USER} }" reads as nested flow mappings; quoting is the fix
    const hint = /[{[]/.test(source) && /(?<!["'])\$\{/.test(source)
      ? ' (inside { } or [ ], quote values that use variables: "${VAR}")'
      : '';
    out.push(`${file}:${line}:${col}: YAML syntax error: ${firstLine(e.message)}${hint}`);
  }
  const max = 5;
  if (out.length <= max) return out;
  return [...out.slice(0, max), `${file}: ${out.length - max} more lines with YAML syntax errors (often knock-on effects of the first)`];
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}
