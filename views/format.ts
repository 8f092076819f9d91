/**
 * Small, pure formatters for numbers that change every second. They keep a
 * fixed, short shape ("42s", "1.2G", "73%") so table columns do not jump.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "3s", "4m", "26h", "3d". Hours run up to 48 so a backup 26 h old reads as
 * "26h", not as a misleadingly calm "1d".
 */
export function age(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const v = Math.max(0, ms);
  if (v < MINUTE) return `${Math.floor(v / SECOND)}s`;
  if (v < HOUR) return `${Math.floor(v / MINUTE)}m`;
  if (v < 48 * HOUR) return `${Math.floor(v / HOUR)}h`;
  return `${Math.floor(v / DAY)}d`;
}

/**
 * Latencies and query times: "850ms", "2.3s" (the 2 s / 5 s thresholds need
 * the decimal), then like `age`.
 */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < SECOND) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 10 * SECOND) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  return age(ms);
}

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** Binary units, at most four characters before the unit: "512B", "1.2K", "340M". */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  return `${v.toFixed(digits)}${UNITS[u]}`;
}

/** "73%", or with decimals for small rates: percent(2.14, 1) → "2.1%". */
export function percent(p: number | null | undefined, decimals = 0): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '-';
  return `${p.toFixed(decimals)}%`;
}

/** 1234567 → "1,234,567"; fixed locale so output does not depend on the machine. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  return Math.round(n).toLocaleString('en-US');
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The newest `width` values as block characters. `max` fixes the scale
 * (100 for percentages) so a flat 3 % does not look like a full bar; without
 * it the largest value fills the cell. All-zero series draw as the lowest bar.
 */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0 || values.length === 0) return '';
  const recent = values.slice(-width).map((v) => (Number.isFinite(v) ? Math.max(0, v) : 0));
  const top = max ?? Math.max(...recent);
  if (top <= 0) return BLOCKS[0]!.repeat(recent.length);
  return recent
    .map((v) => {
      const i = Math.round((Math.min(v, top) / top) * (BLOCKS.length - 1));
      return BLOCKS[i]!;
    })
    .join('');
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time "05:41:09": what the operator compares with their watch. */
export function clockTime(ts: number): string {
  const d = new Date(ts);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/**
 * Identities are long ARNs; the part after the account says who we are:
 * arn:aws:sts::123:assumed-role/OnCall/alice → OnCall/alice.
 */
export function shortIdentity(identity: string): string {
  const m = /^arn:aws[\w-]*:(?:sts|iam)::\d*:(.+)$/.exec(identity);
  if (!m) return identity;
  const rest = m[1]!;
  if (rest.startsWith('assumed-role/')) return rest.slice('assumed-role/'.length);
  return rest;
}
