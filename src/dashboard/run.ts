/**
 * One dashboard session from the first frame to the restored terminal: the
 * incident (one per state directory, whichever environment is shown), the
 * sessions that open and swap environments, the launcher the entry hands in,
 * and on the way out an action still running finishing its part.
 */
import { systemClock } from '../engine/clock.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import { TuiIncident } from './incident.js';
import { TuiSessions } from './sessions.js';
import type { LaunchTui, TuiEnvironment } from './ports.js';

interface RunDashboardOptions {
  /** the environment the flags chose, already opened */
  first: OpenedEnvironment;
  /** opens another environment of the config for `:env NAME` */
  open(name: string): Promise<OpenedEnvironment>;
  /** the config's environments; empty when `unavailable` says why */
  names: readonly string[];
  /** why `:env` cannot switch here (the demo) */
  unavailable?: string;
  processEnv: NodeJS.ProcessEnv;
  logSinceMs: number;
  noColor: boolean;
  launch: LaunchTui;
  /** one line on stderr, after the dashboard closed */
  report(line: string): void;
  /** the config file (the team's runbooks are beside it); none in the demo */
  configPath?: string;
}

export async function runDashboard(o: RunDashboardOptions): Promise<void> {
  const shown = (): TuiEnvironment => sessions.current;
  const incident = new TuiIncident({ env: o.processEnv, environment: () => shown().runtime.env.name, findings: () => shown().findings?.getState().findings.map((t) => t.finding) ?? [] });
  const sessions = new TuiSessions({
    open: (name) => (name === undefined ? Promise.resolve(o.first) : o.open(name)),
    names: o.names,
    ...(o.unavailable ? { unavailable: o.unavailable } : {}),
    processEnv: o.processEnv,
    logSinceMs: o.logSinceMs,
    clock: systemClock,
    observer: incident.observer,
    onFindings: (list) => incident.findings(list),
    report: o.report,
    incident,
    ...(o.configPath ? { configPath: o.configPath } : {}),
  });
  const view = await sessions.openFirst();
  incident.run();
  try {
    await o.launch({ ...view, noColor: o.noColor, incident, environments: sessions });
  } finally {
    incident.stop();
    // an action still running finishes its part (the call, the journal, the lock) before the sources close
    await sessions.close();
  }
}
