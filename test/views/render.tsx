/**
 * The one way view tests render: a real Store fed with fixtures, a chosen
 * terminal size, `waitFor` that polls the last frame (vi.waitFor, never a fixed sleep),
 * key helpers, and `mask` for volatile text.
 */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import { render as inkRender } from 'ink-testing-library';
import { vi } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Store } from '../../src/engine/store.js';
import { DEFAULT_INTERVALS_MS } from '../../src/engine/runtime.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import type { PanelData, PanelId } from '../../src/model/panels.js';
import { PANEL_IDS } from '../../src/model/panels.js';
import type { KeyBinding } from '../../src/keys/registry.js';
import type { EnvironmentSwitcher, FindingsFeed, TuiActions } from '../../src/dashboard/ports.js';
import type { TuiIncident } from '../../src/dashboard/incident.js';
import { LiveFindings } from '../../src/checks/live.js';
import { App } from '../../views/App.js';
import type { AppRuntime } from '../../views/App.js';
import type { ViewState } from '../../views/state.js';
import { allData, env as prodEnv, T0 } from './fixtures.js';

export const KEYS = {
  tab: '\t',
  shiftTab: '\x1b[Z',
  enter: '\r',
  escape: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  backspace: '\x7f',
  ctrlC: '\x03',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
} as const;

export interface RenderOptions {
  columns?: number;
  rows?: number;
  env?: Partial<EnvironmentInfo>;
  noColor?: boolean;
  bindings?: readonly KeyBinding[];
  initialState?: Partial<ViewState>;
  /** data per panel; panels left out stay loading. Default: every fixture. */
  data?: Partial<PanelData>;
  /** how long before T0 the data was fetched */
  ageMs?: number;
  /** the harness clock's time instead of T0 (the sandbox's data wants the sandbox's time) */
  at?: number;
  /** the guarded actions (see actionSupport.ts); absent: the session cannot act */
  actions?: TuiActions;
  /** where S saves log lines; default: a directory no test writes to, so a stray S fails loudly */
  logSaveDirs?: readonly string[];
  /**
   * Run the live checks on the harness's store (on its manual clock): true,
   * or how often and who else hears of each run. A feed passes through as is.
   */
  checks?: boolean | { intervalMs?: number; onEvaluated?: (list: readonly import('../../src/model/findings.js').Finding[]) => void } | FindingsFeed;
  incident?: TuiIncident;
  environments?: EnvironmentSwitcher;
  /** a runtime of your own (e.g. one an environment switcher built) instead of the harness's store */
  runtime?: AppRuntime;
}

export interface Harness {
  store: Store;
  clock: ManualClock;
  runtime: AppRuntime & { refresh: ReturnType<typeof vi.fn>; setEnv(env: EnvironmentInfo): void };
  /** the live checks, when `checks` asked for them */
  findings?: LiveFindings;
  onQuit: ReturnType<typeof vi.fn>;
  lastFrame(): string;
  /** Polls the last frame until `predicate` holds; fails with the frame after `timeoutMs`. */
  waitFor(predicate: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Writes keys to stdin, one write per element, like separate key presses. */
  press(...keys: string[]): void;
  type(text: string): void;
  /** Replace panel data as a watcher would, and deliver the notification. */
  update<K extends PanelId>(id: K, data: PanelData[K]): void;
  /** Changes the fake terminal's size and tells the app, as a SIGWINCH would. */
  resize(columns: number, rows: number): void;
  unmount(): void;
}

export function makeStore(clock: ManualClock, data: Partial<PanelData>, ageMs: number, at = T0): Store {
  // No coalescing delay: tests wait on frames, not timers.
  const store = new Store({ intervals: DEFAULT_INTERVALS_MS, clock, coalesceMs: 0 });
  clock.set(at - ageMs);
  for (const id of PANEL_IDS) {
    const d = data[id];
    if (d !== undefined) store.succeed(id, d as never);
  }
  clock.set(at);
  return store;
}

export function renderView(opts: RenderOptions = {}): Harness {
  const clock = new ManualClock(opts.at ?? T0);
  const store = makeStore(clock, opts.data ?? allData, opts.ageMs ?? 3_000, opts.at ?? T0);
  // like Runtime.setEnv: the environment is replaced, then the store says something changed
  const runtime = {
    store,
    env: { ...prodEnv, ...opts.env },
    clock,
    refresh: vi.fn(),
    setEnv(env: EnvironmentInfo) {
      this.env = env;
      store.touch();
    },
  };
  const onQuit = vi.fn();
  const checks = opts.checks;
  const isFeed = (c: unknown): c is FindingsFeed => typeof c === 'object' && c !== null && 'getState' in c;
  const live =
    checks && !isFeed(checks)
      ? new LiveFindings({
          store,
          clock,
          env: () => runtime.env.name,
          intervalMs: checks === true ? 10 : (checks.intervalMs ?? 10),
          ...(checks !== true && checks.onEvaluated ? { onEvaluated: checks.onEvaluated } : {}),
        })
      : undefined;
  const feed = isFeed(checks) ? checks : live;
  const app: ReactElement = (
    <App
      runtime={opts.runtime ?? runtime}
      noColor={opts.noColor ?? false}
      onQuit={onQuit}
      bindings={opts.bindings}
      initialState={opts.initialState}
      actions={opts.actions}
      logSaveDirs={opts.logSaveDirs ?? ['/nonexistent/opsdeck-test-no-save']}
      findings={feed}
      incident={opts.incident}
      environments={opts.environments}
    />
  );
  // Mount a placeholder, size the fake terminal, then mount the app, so every
  // frame of the app is drawn at the chosen size.
  const inst = inkRender(<Text>…</Text>);
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(inst.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(inst.stdout, 'rows', { value: rows, configurable: true });
  };
  setSize(opts.columns ?? 80, opts.rows ?? 24);
  inst.rerender(app);

  const lastFrame = () => inst.lastFrame() ?? '';
  return {
    store,
    clock,
    runtime,
    ...(live ? { findings: live } : {}),
    onQuit,
    lastFrame,
    waitFor(predicate, timeoutMs = 10_000) {
      return vi.waitFor(
        () => {
          const frame = lastFrame();
          if (!predicate(frame)) throw new Error(`no frame matched in ${timeoutMs} ms; last frame:\n${frame}`);
          return frame;
        },
        { timeout: timeoutMs, interval: 10 },
      );
    },
    press(...keys) {
      for (const k of keys) inst.stdin.write(k);
    },
    type(text) {
      for (const ch of text) inst.stdin.write(ch);
    },
    update(id, data) {
      store.succeed(id, data);
      store.flush();
    },
    resize(columns, rows) {
      setSize(columns, rows);
      inst.stdout.emit('resize');
    },
    unmount() {
      live?.dispose();
      inst.unmount();
      inst.cleanup();
    },
  };
}

/** Replaces times and ages so frames can be compared across runs. */
export function mask(frame: string): string {
  return frame
    .replace(/\b\d{2}:\d{2}:\d{2}\b/g, 'HH:MM:SS')
    .replace(/\b\d+(?:\.\d+)?(?:ms|s|m|h|d)\b/g, '<age>');
}

/** The frame without ANSI styling, for text assertions. */
export function plain(frame: string): string {
  // eslint-disable-next-line no-control-regex
  return frame.replace(/\x1b\[[0-9;]*m/g, '');
}
