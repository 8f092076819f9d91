/**
 * Config errors are read by an on-call engineer, often at night: every problem
 * is one line that names the file and the key path, never a stack or a dump.
 */

export class ConfigError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly problems: string[],
  ) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export type PathSegment = string | number;

/** A location-free problem; the file label is prepended when it is reported. */
export interface Problem {
  path: readonly PathSegment[];
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['environments', 'prod', 'ecs', 1, 'cluster']` → `environments.prod.ecs[1].cluster` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    // keys such as "/ecs/api" or "a.b" would make the dotted form ambiguous
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

export function problemLine(label: string, p: Problem): string {
  const where = formatPath(p.path);
  return where ? `${label}: ${where}: ${p.message}` : `${label}: ${p.message}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The known word closest to `word`, if it is close enough to be a typo rather
 * than a different idea. Case is ignored so `Cluster` still finds `cluster`.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  // short keys (ecs, rds, aws) are all within 2 edits of each other
  const limit = word.length <= 4 ? 1 : Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const kl = k.toLowerCase();
    const d = editDistance(w, kl);
    // "cpuPercent" for cpu, "errorRate" for errorRatePercent: a unit added or dropped
    const contains = Math.min(w.length, kl.length) >= 3 && (w.includes(kl) || kl.includes(w));
    if ((d <= limit || contains) && d < bestD) [best, bestD] = [k, d];
  }
  return best !== word ? best : undefined;
}

export function didYouMean(word: string, known: readonly string[]): string {
  const s = closest(word, known);
  return s ? ` (did you mean "${s}"?)` : '';
}
