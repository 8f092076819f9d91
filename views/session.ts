/**
 * Which environment the dashboard shows, and `:env NAME` to show another.
 * The runtime, the action controller and the live findings belong to one
 * environment, so they are swapped together; the switch is refused while
 * an action is open (its plan and lock are the old environment's).
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { EnvironmentSwitcher, TuiActions } from '../src/cli/tui.js';
import { unknownEnvironment } from '../src/cli/tui.js';
import type { LiveFindingsState } from '../src/checks/live.js';
import { errorMessage } from '../src/text/sanitize.js';
import type { EnvironmentKeys } from './modeKeys.js';
import type { ViewAction } from './state.js';
import type { AppRuntime } from './App.js';

/** The live findings as the dashboard reads them. */
export interface FindingsFeed {
  getState(): LiveFindingsState;
  subscribe(listener: () => void): () => void;
}

export interface Shown {
  runtime: AppRuntime;
  actions?: TuiActions;
  findings?: FindingsFeed;
}

export interface ShownEnvironment {
  shown: Shown;
  /** read by key handlers, which may run before React re-renders */
  shownRef: { current: Shown };
  /** the environment being opened, if any */
  switching: string | null;
  keys: EnvironmentKeys | undefined;
}

export function useShownEnvironment(initial: Shown, switcher: EnvironmentSwitcher | undefined, dispatch: (a: ViewAction) => void): ShownEnvironment {
  const [shown, setShown] = useState<Shown>(initial);
  const shownRef = useRef<Shown>(shown);
  const [switching, setSwitching] = useState<string | null>(null);
  const switchingRef = useRef<string | null>(null);

  const switchTo = useCallback(
    (name: string): string | undefined => {
      if (!switcher) return 'this session cannot switch environments';
      if (switcher.unavailable) return switcher.unavailable;
      const names = switcher.names();
      if (!names.includes(name)) return unknownEnvironment(name, names);
      const current = shownRef.current;
      if (name === current.runtime.env.name) return `${name} is the environment shown`;
      if (switchingRef.current) return `already opening ${switchingRef.current}`;
      const phase = current.actions?.controller.getState().phase ?? 'idle';
      if (phase === 'running' || phase === 'planning') return `an action is running in ${current.runtime.env.name}: switch once it has finished (a shows it)`;
      if (phase !== 'idle') return 'close the action first (esc), then switch';
      switchingRef.current = name;
      setSwitching(name);
      switcher.switchTo(name).then(
        (next) => {
          shownRef.current = next;
          setShown(next);
          dispatch({ type: 'environmentSwitched' });
          dispatch({ type: 'message', text: `now showing ${next.runtime.env.name} (${current.runtime.env.name} is no longer watched)`, tone: 'ok' });
        },
        (err: unknown) => dispatch({ type: 'message', text: `${errorMessage(err)}; still showing ${current.runtime.env.name}`, tone: 'warn' }),
      ).finally(() => {
        switchingRef.current = null;
        setSwitching(null);
      });
      return undefined;
    },
    [switcher, dispatch],
  );

  const keys = useMemo<EnvironmentKeys | undefined>(() => {
    if (!switcher) return undefined;
    return {
      list: () => {
        if (switcher.unavailable) return switcher.unavailable;
        const current = shownRef.current.runtime.env.name;
        return `environments: ${switcher.names().map((n) => (n === current ? `${n} (shown)` : n)).join(', ')} · :env NAME switches`;
      },
      switchTo,
    };
  }, [switcher, switchTo]);

  return { shown, shownRef, switching, keys };
}
