/**
 * The `:fleet` screen's data: every environment of the config checked with
 * the same code as `opsdeck check --env all` (src/cli/fleetCheck.ts), in the
 * background while the screen is open, again every REFRESH_MS. Nothing here
 * runs from a render or a key handler: `open` starts the timer, the checks run
 * on it, the views draw what the observable holds.
 */
import type { Severity } from '../model/findings.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import { runFleetCheck, type FleetSection } from '../cli/fleetCheck.js';
import { SEVERITY_RANK } from '../checks/severity.js';
import { Observable } from '../engine/observable.js';
import { oneLine } from '../text/sanitize.js';
import type { FleetView, FleetRow, TuiFleetHandle } from './ports.js';

const REFRESH_MS = 45_000;
const TIMEOUT_MS = 10_000;
/** the problems a row names, worst first */
const TOP = 3;

interface FleetFeedOptions {
  names: readonly string[];
  open(name: string): Promise<OpenedEnvironment>;
  processEnv: NodeJS.ProcessEnv;
  now?: () => number;
  refreshMs?: number;
  timeoutMs?: number;
}

export function fleetRow(s: FleetSection): FleetRow {
  const counts: Record<Severity, number> = s.report?.summary ?? { ok: 0, warn: 0, crit: 0, unknown: s.error ? 1 : 0 };
  const problems = (s.report?.findings ?? []).filter((f) => f.severity !== 'ok').sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  // the environment's name starts every subject: the row says it once
  const top = problems.slice(0, TOP).map((f) => ({ severity: f.severity, subject: oneLine(f.subject.startsWith(`${s.environment}/`) ? f.subject.slice(s.environment.length + 1) : f.subject), message: oneLine(f.message) }));
  return { environment: s.environment, status: s.status, counts, top, ...(s.identity ? { identity: oneLine(s.identity) } : {}), ...(s.error ? { error: oneLine(s.error) } : {}) };
}

export function createFleetFeed(o: FleetFeedOptions): TuiFleetHandle {
  const initial: FleetView = { rows: o.names.map((environment) => ({ environment, status: 'unknown', counts: { ok: 0, warn: 0, crit: 0, unknown: 0 }, top: [], pending: true })), running: false };
  const store = new Observable<FleetView>(initial);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let open = false;
  let running: Promise<void> | undefined;

  const run = (): Promise<void> => {
    running ??= (async () => {
      store.update((v) => ({ ...v, running: true }));
      try {
        const report = await runFleetCheck(o.names, {
          open: o.open, timeoutMs: o.timeoutMs ?? TIMEOUT_MS, processEnv: o.processEnv, remember: false,
          // a checklist's remarks go to stderr in `check`; on screen the row says what matters
          warn: () => {},
          ...(o.now ? { now: o.now } : {}),
        });
        store.set({ rows: report.environments.map(fleetRow), checkedAt: Date.parse(report.checkedAt), running: false });
      } catch {
        store.update((v) => ({ ...v, running: false }));
      } finally {
        running = undefined;
        if (open) timer = setTimeout(() => void run(), o.refreshMs ?? REFRESH_MS);
      }
    })();
    return running;
  };

  return {
    getState: store.get,
    subscribe: store.subscribe,
    open() {
      if (open) return;
      open = true;
      if (!running) void run();
    },
    close() {
      open = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    refresh() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      return run();
    },
  };
}
