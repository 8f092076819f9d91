/**
 * The incident timeline file: one JSON entry per line, each appended with a
 * single write and fsynced before `appendEntry` returns, the way the audit
 * journal does it. A crash therefore loses at most the entry being written,
 * and that one shows up as a torn last line, which `readTimeline` skips and
 * reports instead of failing on.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { readIfExists } from '../state/exclusiveFile.js';
import { ACTION_PHASES, ENTRY_KINDS, type TimelineEntry } from './types.js';

interface TimelineRead {
  entries: TimelineEntry[];
  /** one line per line that was skipped, naming its line number and why */
  problems: string[];
}

/**
 * O_APPEND puts each write at the end even with two writers (the TUI and
 * `opsdeck incident note` in another terminal); one write per entry keeps
 * their lines whole.
 */
export function appendEntry(path: string, entry: TimelineEntry): void {
  const fd = openSync(path, 'a+', 0o600);
  try {
    const size = fstatSync(fd).size;
    // after a torn write the new entry must start on a line of its own
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const bytes = Buffer.from(`${prefix}${JSON.stringify(entry)}\n`, 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function readTimeline(path: string): TimelineRead {
  return parseTimeline(readIfExists(path) ?? '');
}

function parseTimeline(text: string): TimelineRead {
  const entries: TimelineEntry[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  // a file that ends in a newline splits into a last '' piece
  const complete = lines[lines.length - 1] === '';
  if (complete) lines.pop();
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    const entry = parseEntry(line);
    if (entry) entries.push(entry);
    else if (torn(line, i === lines.length - 1 && !complete)) problems.push(`line ${n} was cut short (opsdeck stopped while writing it); it is left out`);
    else problems.push(`line ${n} is not a timeline entry; it is left out`);
  });
  return { entries, problems };
}

/** The start of an entry whose write stopped half-way: the last line, or one a later append moved off the end. */
function torn(line: string, last: boolean): boolean {
  if (last) return true;
  if (!line.startsWith('{"')) return false;
  try {
    JSON.parse(line);
    return false;
  } catch {
    return true;
  }
}

function parseEntry(line: string): TimelineEntry | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  if (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) return null;
  if (!ENTRY_KINDS.includes(e.kind as TimelineEntry['kind'])) return null;
  const str = (k: string) => typeof e[k] === 'string';
  switch (e.kind) {
    case 'start':
      return str('id') && str('title') ? (e as unknown as TimelineEntry) : null;
    case 'finding':
      return str('checkId') && str('subject') && str('to') && str('message') ? (e as unknown as TimelineEntry) : null;
    case 'action':
      return ACTION_PHASES.includes(e.phase as never) && str('action') && str('target') && str('summary') ? (e as unknown as TimelineEntry) : null;
    case 'note':
      return str('text') ? (e as unknown as TimelineEntry) : null;
    case 'escalation':
      return typeof e.minutes === 'number' && str('text') ? (e as unknown as TimelineEntry) : null;
    default:
      return e as unknown as TimelineEntry;
  }
}

/** Entries in the order they happened; file order breaks ties (escalation marks may be written late). */
export function chronological(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return entries
    .map((e, i) => ({ e, i, t: Date.parse(e.time) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}
