/** Log snapshots for the log view's tests: numbered lines a test can find by text, arriving like a tail. */
import type { LogEvent, LogsSnapshot } from '../../src/model/logs.js';
import { logs as fixtureLogs, T0 } from './fixtures.js';

export interface LineSpec {
  message: string;
  severity?: LogEvent['severity'];
  stream?: string;
  group?: string;
}

let seq = 0;

/** `n` lines, one a second up to T0, "line 0001 …" to "line n"; every `errorEvery`th is an error. */
export function numbered(n: number, opts: { errorEvery?: number; from?: number; text?: (i: number) => string } = {}): LogEvent[] {
  const from = opts.from ?? 0;
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const error = opts.errorEvery !== undefined && i % opts.errorEvery === 0;
    seq++;
    return {
      id: `t-${seq}`,
      group: '/ecs/conflicto-backend-prod',
      stream: 'api/api/7f3c2a9b1d0e4f5a6b7c8d9e',
      timestamp: T0 - 10 * 60_000 + i * 1_000,
      message: opts.text ? opts.text(i) : `${error ? 'ERROR' : 'INFO'} line ${String(i).padStart(4, '0')} ${error ? `TimeoutError: upstream payments timed out after 5000ms (order ${80_000 + i})` : `GET /api/v1/orders/${80_000 + i} 200 12ms`}`,
      severity: error ? 'error' : 'info',
    };
  });
}

export function lines(specs: LineSpec[], start = T0 - 60_000): LogEvent[] {
  return specs.map((s, i) => {
    seq++;
    return { id: `s-${seq}`, group: s.group ?? '/ecs/conflicto-backend-prod', stream: s.stream ?? 'api/api/7f3c2a', timestamp: start + i * 1_000, message: s.message, severity: s.severity ?? 'info' };
  });
}

/** A snapshot as the log tail hands it over: `lines` newest last, `total` counting every line ever seen. */
export function snapshot(ls: LogEvent[], over: Partial<LogsSnapshot> = {}): LogsSnapshot {
  return { ...fixtureLogs, lines: ls, total: over.total ?? ls.length, dropped: 0, ...over };
}

/** The tail after `more` lines arrived: the newest 2,000 kept, as the runtime's LogTail does. */
export function arrive(prev: LogsSnapshot, more: LogEvent[], visible = 2_000): LogsSnapshot {
  const all = [...prev.lines, ...more];
  return { ...prev, lines: all.slice(-visible), total: prev.total + more.length };
}
