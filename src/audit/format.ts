/** Output of `opsdeck audit`: a table for people, `--json` for scripts. */
import { escapeJsonText, oneLine } from '../text/sanitize.js';
import { redact } from '../text/redact.js';
import type { VerifyResult } from './chain.js';
import type { AuditRecord } from './record.js';

interface AuditTableOptions {
  /** cut the detail column to this many characters */
  detailWidth?: number;
}

const HEADERS = ['TIME (UTC)', 'OPERATOR', 'ENV', 'ACTION', 'TARGET', 'PHASE', 'OUTCOME', 'DETAIL'] as const;

function operatorLabel(r: AuditRecord): string {
  const op = r.operator ?? { user: '?', host: '?' };
  return `${op.user}@${op.host}`;
}

/** "2024-05-01T05:41:09.123Z" → "2024-05-01 05:41:09"; the header says UTC once. */
function timeLabel(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

export function formatAuditTable(records: readonly AuditRecord[], opts: AuditTableOptions = {}): string {
  if (records.length === 0) return 'no audit records yet';
  // The journal is text someone could have edited: no field reaches the terminal unsanitised.
  const rows = records.map((r) => [
    timeLabel(oneLine(String(r.time))),
    oneLine(operatorLabel(r)),
    oneLine(String(r.environment)),
    oneLine(String(r.action)),
    oneLine(String(r.target)),
    oneLine(String(r.phase)),
    r.outcome === null ? '-' : oneLine(String(r.outcome)),
    oneLine(String(r.detail ?? ''), opts.detailWidth ?? 80),
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(HEADERS), ...rows.map(render)].join('\n');
}

/** Pretty JSON array: `opsdeck audit --json | jq '.[] | select(.outcome == "failed")'`. */
export function formatAuditJson(records: readonly AuditRecord[]): string {
  return escapeJsonText(redact(JSON.stringify(records, null, 2)));
}

export function formatVerify(result: VerifyResult, path: string): string {
  if (result.ok) return `audit journal ${path}: ${result.count} record${result.count === 1 ? '' : 's'}, chain intact`;
  return `audit journal ${path}: chain BROKEN at line ${result.firstBroken} of ${result.count}: ${result.reason}`;
}
