/**
 * The rules of `:env NAME`, asked twice: at the key press, to answer at
 * once, and again by the sessions before they open anything (the answer may
 * have changed while the switch waited). One function, so both agree.
 */
import type { TuiActions } from './ports.js';

/** `:env NAME` with a name the config does not have, in one line. */
function unknownEnvironment(name: string, names: readonly string[]): string {
  return `unknown environment "${name}"; known: ${names.join(', ') || 'none'}`;
}

interface SwitchSituation {
  /** the config's environments */
  names: readonly string[];
  /** why `:env` cannot switch in this session (the demo) */
  unavailable?: string | undefined;
  /** the environment shown */
  shown: string;
  /** an environment already being opened */
  switching?: string | null | undefined;
  /** the shown environment's actions: a plan or a call under way holds it */
  actions?: Pick<TuiActions, 'busy' | 'controller' | 'drill'> | undefined;
}

/** Why the dashboard cannot switch to `name` now, in one line; undefined: it can. */
export function switchRefusal(name: string, s: SwitchSituation): string | undefined {
  if (s.unavailable) return s.unavailable;
  if (!s.names.includes(name)) return unknownEnvironment(name, s.names);
  if (name === s.shown) return `${name} is the environment shown`;
  if (s.switching) return `already opening ${s.switching}`;
  if (s.actions?.busy()) return `an action is running in ${s.shown}: switch once it has finished (a shows it)`;
  if (s.actions?.drill?.busy()) return `a backup drill is running in ${s.shown}: switch once it has finished (a shows it)`;
  // its plan and lock are the shown environment's
  if (s.actions && s.actions.controller.getState().phase !== 'idle') return 'close the action first (esc), then switch';
  return undefined;
}

/** `:env` alone: "environments: prod (shown), staging · :env NAME switches", or why there is nothing to switch to. */
export function environmentList(names: readonly string[], shown: string, unavailable?: string): string {
  if (unavailable) return unavailable;
  return `environments: ${names.map((n) => (n === shown ? `${n} (shown)` : n)).join(', ')} · :env NAME switches`;
}
