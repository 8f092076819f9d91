/**
 * The Prometheus text exposition format (version 0.0.4), as the
 * specification writes it: `# HELP` / `# TYPE` lines, other comments,
 * samples `name{label="value",...} value [timestamp]` with `\\`, `\"` and
 * `\n` escaped in label values, NaN / +Inf / -Inf, and the `_bucket`,
 * `_sum`, `_count` samples of histograms and summaries tied to their family.
 *
 * A line that does not parse is reported with its number and skipped: one
 * odd line from an exporter should not hide every other series.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** ms since the epoch, when the line carried one */
  timestamp?: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help?: string;
}

export interface Exposition {
  samples: Sample[];
  families: Map<string, Family>;
  /** "line 12: ..." for each line skipped */
  errors: string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, readonly string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

class LineError extends Error {}

/** A sample value or timestamp: Go's ParseFloat spellings, which include NaN and ±Inf in any case. */
export function parseValue(text: string): number {
  const t = text.toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === '+inf' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new LineError(`"${text}" is not a number`);
  return Number(text);
}

function unescape(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (whole, c: string) => (c === 'n' ? '\n' : c === '\\' ? '\\' : quotes && c === '"' ? '"' : whole));
}

/** `{a="1",b="x\"y"}` from `at` (the brace): the labels and where the text after `}` starts. */
function readLabels(line: string, at: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at + 1;
  const skipBlanks = () => {
    while (line[i] === ' ' || line[i] === '\t') i++;
  };
  for (;;) {
    skipBlanks();
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (!name) throw new LineError(`expected a label name in ${line.slice(at, i + 8)}…`);
    i += name.length;
    skipBlanks();
    if (line[i] !== '=') throw new LineError(`expected = after label ${name}`);
    i++;
    skipBlanks();
    if (line[i] !== '"') throw new LineError(`expected " to open the value of label ${name}`);
    let j = i + 1;
    while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
    if (j >= line.length) throw new LineError(`the value of label ${name} is not closed`);
    if (Object.hasOwn(labels, name)) throw new LineError(`label ${name} appears twice`);
    labels[name] = unescape(line.slice(i + 1, j), true);
    i = j + 1;
    skipBlanks();
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new LineError(`expected , or } after the value of label ${name}`);
  }
}

function readSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new LineError('expected a metric name');
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  const brace = rest.search(/\S/);
  if (rest[brace] === '{') {
    const read = readLabels(rest, brace);
    labels = read.labels;
    rest = rest.slice(read.end);
  }
  const tokens = rest.trim().split(/[ \t]+/).filter(Boolean);
  if (tokens.length === 0) throw new LineError(`${name} has no value`);
  if (tokens.length > 2) throw new LineError(`${name} has more than a value and a timestamp`);
  const value = parseValue(tokens[0]!);
  if (tokens[1] === undefined) return { name, labels, value };
  const timestamp = parseValue(tokens[1]);
  if (!Number.isInteger(timestamp)) throw new LineError(`${name}'s timestamp "${tokens[1]}" is not whole milliseconds`);
  return { name, labels, value, timestamp };
}

/** The family a sample belongs to: `x_bucket` of a histogram `x` is `x`. */
export function familyOf(sample: string, families: ReadonlyMap<string, Family>): Family | undefined {
  const own = families.get(sample);
  if (own) return own;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const f = families.get(sample.slice(0, -suffix.length));
    if (f && SUFFIXES[f.type]?.includes(suffix)) return f;
  }
  return undefined;
}

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const families = new Map<string, Family>();
  const errors: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    try {
      if (line.startsWith('#')) {
        const m = /^#[ \t]+(HELP|TYPE)[ \t]+([^ \t]+)(?:[ \t]+(.*))?$/.exec(line);
        if (!m) return; // an ordinary comment
        const [, keyword, name, rest = ''] = m;
        if (!NAME.test(name!) || NAME.exec(name!)![0] !== name) throw new LineError(`"${name}" is not a metric name`);
        const family = families.get(name!) ?? { name: name!, type: 'untyped' as MetricType };
        if (keyword === 'TYPE') {
          if (!TYPES.has(rest.trim())) throw new LineError(`"${rest.trim()}" is not a metric type`);
          family.type = rest.trim() as MetricType;
        } else family.help = unescape(rest, false);
        families.set(name!, family);
        return;
      }
      samples.push(readSample(line));
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      errors.push(`line ${index + 1}: ${err.message}`);
    }
  });
  return { samples, families, errors };
}

/** `name{a="1",b="2"}` with labels sorted and values escaped as the format writes them; the series' identity. */
export function seriesText(name: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}
