/**
 * Saves the log lines an operator is looking at to a file, for the incident
 * ticket or a colleague: one line per event, sanitised (a saved file is read
 * with cat later, and a log line must not drive that terminal either), with
 * `--` between the windows of a context view, as grep -C writes them.
 *
 * The file goes to the first directory that takes it (the current directory,
 * then the state directory) and never replaces an existing file.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEvent } from '../model/logs.js';
import { errorMessage, sanitize } from '../text/sanitize.js';

/** A line of the view, or the gap between two context windows. */
type ExportRow = LogEvent | { gap: number };

interface SavedLogs {
  path: string;
  /** log lines written (gap markers not counted) */
  lines: number;
}

/** "20250314T054109Z": sorts by time, and is a valid file name everywhere. */
function utcFileStamp(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function logFileName(t: number, attempt = 1): string {
  return `opsdeck-logs-${utcFileStamp(t)}${attempt > 1 ? `-${attempt}` : ''}.log`;
}

/** "2025-03-14T05:41:09.000Z /ecs/app api/api/7f3c… message", one record per line. */
export function formatLogLine(ev: LogEvent): string {
  return `${new Date(ev.timestamp).toISOString()} ${sanitize(ev.group)} ${sanitize(ev.stream)} ${sanitize(ev.message)}`;
}

export function formatRows(rows: readonly ExportRow[]): string {
  return rows.map((r) => ('gap' in r ? '--' : formatLogLine(r))).join('\n') + (rows.length > 0 ? '\n' : '');
}

const MAX_ATTEMPTS = 20;

/**
 * Writes `rows` to opsdeck-logs-<UTC time>.log in the first of `dirs` that
 * takes it; a name already taken gets -2, -3… Rejects with one line naming
 * each directory tried when none does. Asynchronous: it runs from a key press,
 * and a slow or hung disk must not freeze the dashboard.
 */
export async function saveLogRows(rows: readonly ExportRow[], opts: { dirs: readonly (string | (() => string))[]; now: number }): Promise<SavedLogs> {
  const content = formatRows(rows);
  const lines = rows.filter((r) => !('gap' in r)).length;
  const problems: string[] = [];
  for (const d of opts.dirs) {
    let dir: string;
    try {
      dir = typeof d === 'function' ? d() : d;
    } catch (err) {
      problems.push(errorMessage(err));
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      const path = join(dir, logFileName(opts.now, attempt));
      try {
        // 0600: log lines can carry customer data and tokens
        await writeFile(path, content, { flag: 'wx', mode: 0o600 });
        return { path, lines };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && attempt < MAX_ATTEMPTS) continue;
        // any other failure (read-only, no permission, gone): the next directory may take it
        problems.push(code === 'EEXIST' ? `${dir}: ${MAX_ATTEMPTS} files of that name exist` : errorMessage(err));
        break;
      }
    }
  }
  throw new Error(`could not save the log lines (${problems.join('; ') || 'no directory to write to'})`);
}
