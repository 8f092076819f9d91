/**
 * A log line's severity, read from the line itself: CloudWatch stores no
 * level. Structured lines say it in a field, which wins over any word in the
 * text (a JSON line at level "info" that mentions "ERROR" is not an error).
 */
import type { LogSeverity } from '../../model/logs.js';

// JSON.parse on a 256 KB line every second adds up; real structured lines are short.
const MAX_JSON = 16_384;

const NAMES: Record<string, LogSeverity> = {
  fatal: 'error',
  panic: 'error',
  emerg: 'error',
  emergency: 'error',
  alert: 'error',
  crit: 'error',
  critical: 'error',
  severe: 'error',
  err: 'error',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  notice: 'info',
  info: 'info',
  information: 'info',
  informational: 'info',
  debug: 'debug',
  trace: 'debug',
  verbose: 'debug',
};

/** The level word that starts the line's text ("ERROR ...", "[warn] ...", "2026-01-01T... INFO ..."). */
const LEVEL_WORD = /\b(FATAL|PANIC|CRITICAL|CRIT|SEVERE|ERROR|ERR|WARNING|WARN|NOTICE|INFO|DEBUG|TRACE)\b/;
const BRACKETED = /\[(fatal|panic|crit|critical|error|err|warn|warning|notice|info|debug|trace)\]/i;
const LEADING = /^\s*(fatal|panic|error|warn|warning|info|debug|trace)\b[:\s]/i;
const LOGFMT = /(?:^|\s)(?:level|lvl|severity|loglevel)\s*[=:]\s*"?([A-Za-z]+)/i;
/** Lines with no level word that are still errors: stack traces and crashes. */
const ERROR_SHAPES = /Exception\b|Traceback \(most recent call last\)|^\s*panic:|\bpanic\(|\bSIGSEGV\b|\bUnhandled(?:PromiseRejection| error| exception)/;

export function severityOf(message: string): LogSeverity {
  return levelOf(message) ?? (ERROR_SHAPES.test(message) ? 'error' : 'info');
}

/** The level the line states (a field or a level word); undefined when it states none. */
export function levelOf(message: string): LogSeverity | undefined {
  return fromJson(message) ?? fromText(message);
}

function fromText(message: string): LogSeverity | undefined {
  const word = LOGFMT.exec(message)?.[1] ?? BRACKETED.exec(message)?.[1] ?? LEADING.exec(message)?.[1] ?? LEVEL_WORD.exec(message)?.[1];
  return word ? NAMES[word.toLowerCase()] : undefined;
}

function fromJson(message: string): LogSeverity | undefined {
  const text = message.trim();
  if (!text.startsWith('{') || !text.endsWith('}') || text.length > MAX_JSON) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  for (const key of ['level', 'severity', 'lvl', 'loglevel', 'log.level', 'levelname', 'Level', 'Severity']) {
    const v = o[key];
    const s = levelValue(v);
    if (s) return s;
  }
  return undefined;
}

function levelValue(v: unknown): LogSeverity | undefined {
  if (typeof v === 'string') return NAMES[v.trim().toLowerCase()];
  // pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal
  if (typeof v === 'number' && v >= 10) return v >= 50 ? 'error' : v >= 40 ? 'warn' : v >= 30 ? 'info' : 'debug';
  return undefined;
}
