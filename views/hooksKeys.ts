/**
 * The handles the keys reach for incident mode and the guarded actions, as
 * App.tsx wires them (the screens' are in screenFeeds.ts). Each reads its
 * source at the key press, never a render's copy.
 */
import { useMemo } from 'react';
import type { DashboardRuntime, TuiActions, TuiIncidentHandle } from '../src/dashboard/ports.js';
import type { ActionKeys, IncidentKeys } from './dispatchContext.js';
import type { ViewAction, ViewState } from './state.js';
import { startAction } from './actionStart.js';

export function useIncidentKeys(incident: TuiIncidentHandle | undefined): IncidentKeys | undefined {
  return useMemo<IncidentKeys | undefined>(
    () =>
      incident && {
        status: () => incident.getState().status,
        start: (title) => incident.start(title),
        end: () => incident.end(),
        note: (text) => incident.note(text),
        defaultTitle: () => incident.defaultTitle(),
      },
    [incident],
  );
}

export function useActionKeys(actions: TuiActions | undefined, runtime: DashboardRuntime, getState: () => ViewState, dispatch: (a: ViewAction) => void): ActionKeys | undefined {
  return useMemo<ActionKeys | undefined>(
    () =>
      actions && {
        phase: () => actions.controller.getState().phase,
        state: () => actions.controller.getState(),
        busy: (target) => actions.busy(target),
        running: () => actions.controller.unfinished(),
        show: (id) => actions.controller.show(id),
        key: (press) => actions.controller.key(press),
        close: () => actions.controller.close(),
        // what is selected, read at the key press; the request carries its names
        start: (command, jobs) => startAction({ command, actions, snaps: runtime.store.getSnapshots(), state: getState(), dispatch, ...(jobs ? { jobs } : {}) }),
      },
    [actions, runtime, getState, dispatch],
  );
}
