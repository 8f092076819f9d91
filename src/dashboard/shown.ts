/**
 * Which environment the dashboard shows, and `:env NAME` to show another.
 * The runtime, the action controller and the live findings belong to one
 * environment, so they are swapped together. The switch answers at the key
 * press (refused, or started); its outcome arrives later through `onOutcome`.
 */
import { Observable } from '../engine/observable.js';
import { errorMessage } from '../text/sanitize.js';
import { environmentList, switchRefusal } from './environmentSwitch.js';
import type { EnvironmentSwitcher, Reply, ShownEnvironment } from './ports.js';

interface ShownState {
  shown: ShownEnvironment;
  /** the environment being opened, if any */
  switching: string | null;
}

export class ShownEnvironments {
  private readonly state: Observable<ShownState>;

  constructor(
    initial: ShownEnvironment,
    private readonly switcher: EnvironmentSwitcher | undefined,
    /** the switch's outcome, for the message line; `switched`: another environment is shown now */
    private readonly onOutcome: (reply: Reply, switched: boolean) => void,
  ) {
    this.state = new Observable<ShownState>({ shown: initial, switching: null });
    this.getState = this.state.get;
    this.subscribe = this.state.subscribe;
  }

  readonly getState: () => ShownState;
  readonly subscribe: (listener: () => void) => () => void;

  /** The environment shown now; key handlers read it, as they may run before React re-renders. */
  get current(): ShownEnvironment {
    return this.state.get().shown;
  }

  get canSwitch(): boolean {
    return this.switcher !== undefined;
  }

  list(): string {
    if (!this.switcher) return 'this session cannot switch environments';
    return environmentList(this.switcher.names(), this.current.runtime.env.name, this.switcher.unavailable);
  }

  switchTo(name: string): Reply {
    const switcher = this.switcher;
    if (!switcher) return { ok: false, message: 'this session cannot switch environments' };
    const { shown, switching } = this.state.get();
    const from = shown.runtime.env.name;
    const no = switchRefusal(name, { names: switcher.names(), unavailable: switcher.unavailable, shown: from, switching, actions: shown.actions });
    if (no) return { ok: false, message: no };
    this.state.set({ shown, switching: name });
    switcher.switchTo(name).then(
      (next) => {
        this.state.set({ shown: next, switching: null });
        this.onOutcome({ ok: true, message: `now showing ${next.runtime.env.name} (${from} is no longer watched)` }, true);
      },
      (err: unknown) => {
        this.state.set({ ...this.state.get(), switching: null });
        this.onOutcome({ ok: false, message: `${errorMessage(err)}; still showing ${from}` }, false);
      },
    );
    return { ok: true, message: '' };
  }
}
