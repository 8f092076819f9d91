/**
 * Verification of a restored copy: every configured table exists and holds
 * about as many rows as production (a backup is hours old, so production has
 * grown a little: `rowCountTolerance` is how much), and every configured
 * assertion returns one true. A check that fails says what was expected and
 * what was found; parity is the share that passed.
 *
 * A failure on the copy is a failed check: that is what the drill is for. A
 * failure reading production is not a verdict on the backup, so it ends the
 * drill as incomplete instead (ProductionReadError).
 */
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { DrillSession, TableRows } from './sql.js';
import type { DrillCheck, DrillConfig } from './types.js';

export class ProductionReadError extends Error {}

export function percent(fraction: number): string {
  const p = Math.round(fraction * 1000) / 10;
  return `${p} %`;
}

function signedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'production has none';
  const p = Math.round(fraction * 1000) / 10;
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)} %`;
}

export function tableCheck(table: string, production: TableRows, copy: TableRows | Error, tolerance: number): DrillCheck {
  const base = { kind: 'table' as const, name: table };
  if (!production.found) return { ...base, passed: false, expected: `a table ${table} (production has none either: fix the drill's tables)`, actual: copy instanceof Error || !copy.found ? 'no such table' : `${copy.rows} rows` };
  const expected = `${production.rows} rows (production) ± ${percent(tolerance)}`;
  if (copy instanceof Error) return { ...base, passed: false, expected, actual: `error: ${errorMessage(copy)}` };
  if (!copy.found) return { ...base, passed: false, expected, actual: 'no such table in the restored copy' };
  const diff = copy.rows - production.rows;
  const rel = production.rows === 0 ? (diff === 0 ? 0 : Infinity) : Math.abs(diff) / production.rows;
  // a hair of slack so 2 % of 1000 rows (20) passes despite floating point
  const passed = rel <= tolerance + 1e-12;
  const shown = production.rows === 0 ? (diff === 0 ? '±0 %' : 'production has none') : signedPercent(diff / production.rows);
  return { ...base, passed, expected, actual: `${copy.rows} rows (${shown})` };
}

export function assertionCheck(sql: string, result: { rows: unknown[][]; columns: number } | Error): DrillCheck {
  const base = { kind: 'assertion' as const, name: oneLine(sql), expected: 'true' };
  if (result instanceof Error) return { ...base, passed: false, actual: `error: ${errorMessage(result)}` };
  if (result.rows.length !== 1 || result.columns !== 1) {
    return { ...base, passed: false, actual: `${result.rows.length} row(s) of ${result.columns} column(s); an assertion returns one boolean` };
  }
  const value = result.rows[0]![0];
  if (value === true) return { ...base, passed: true, actual: 'true' };
  if (value === false || value === null) return { ...base, passed: false, actual: String(value) };
  return { ...base, passed: false, actual: `${oneLine(JSON.stringify(value) ?? String(value), 60)} (a ${typeof value}, not a boolean)` };
}

/** Passed checks as a percentage of all of them, one decimal; null when there were none. */
export function parityOf(checks: readonly DrillCheck[]): number | null {
  if (checks.length === 0) return null;
  return Math.round((checks.filter((c) => c.passed).length / checks.length) * 1000) / 10;
}

const attempt = async <T>(fn: () => Promise<T>): Promise<T | Error> => {
  try {
    return await fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
};

/** Runs every check; `say` gets one line per check as it completes. */
export async function verifyCopy(drill: DrillConfig, copy: DrillSession, production: DrillSession, say: (line: string) => void): Promise<DrillCheck[]> {
  const checks: DrillCheck[] = [];
  for (const table of drill.tables) {
    let prod: TableRows;
    try {
      prod = await production.tableRows(table);
    } catch (err) {
      throw new ProductionReadError(`could not count ${table} in production: ${errorMessage(err)}`);
    }
    const check = tableCheck(table, prod, await attempt(() => copy.tableRows(table)), drill.rowCountTolerance);
    say(`${check.passed ? 'ok' : 'FAILED'}: ${table}: ${check.actual}, expected ${check.expected}`);
    checks.push(check);
  }
  for (const sql of drill.assertions) {
    const check = assertionCheck(sql, await attempt(() => copy.query(sql)));
    say(`${check.passed ? 'ok' : 'FAILED'}: ${check.name} → ${check.actual}`);
    checks.push(check);
  }
  return checks;
}
