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
import { FLUSH_MS, Notifier } from '../notify/notifier.js';
import { notifyTargets } from '../notify/targets.js';
import { bothObservers, notifyingObserver } from '../notify/actionEvents.js';
import { openTeamDashboardSession, type TeamDashboardSession } from '../team/incidentsLive.js';
import { operatorLabel } from '../incident/incident.js';
import { createFleetFeed } from './fleet.js';

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
  // one queue for the session: each environment opened adds its targets; failures are said after the screen is given back
  const undelivered: string[] = [];
  const notifier = new Notifier({ env: o.processEnv, onFailure: (line) => undelivered.push(line) });
  // team mode: the environment's shared incident and presence, one session per environment shown
  let team: TeamDashboardSession | undefined;
  const withTargets = (opened: OpenedEnvironment) => {
    notifier.configure(opened.info.name, notifyTargets(opened.config.notify));
    const before = team;
    team = opened.teamStore ? openTeamDashboardSession({ url: opened.teamStore, env: opened.info.name, by: operatorLabel(), awsIdentity: () => opened.info.identity }) : undefined;
    incident.attachTeam(team);
    void before?.close();
    return opened;
  };
  const incident = new TuiIncident({
    env: o.processEnv,
    environment: () => shown().runtime.env.name,
    findings: () => shown().findings?.getState().findings.map((t) => t.finding) ?? [],
    notify: (environment, build) => notifier.postLater(environment, build),
  });
  const sessions = new TuiSessions({
    open: async (name) => withTargets(name === undefined ? o.first : await o.open(name)),
    names: o.names,
    ...(o.unavailable ? { unavailable: o.unavailable } : {}),
    processEnv: o.processEnv,
    logSinceMs: o.logSinceMs,
    clock: systemClock,
    observer: bothObservers(incident.observer, notifyingObserver(notifier)),
    onFindings: (list) => incident.findings(list),
    report: o.report,
    incident,
    ...(o.configPath ? { configPath: o.configPath } : {}),
  });
  const view = await sessions.openFirst();
  let fleet: ReturnType<typeof createFleetFeed> | undefined;
  incident.run();
  try {
    // the demo has no config to list: its fleet is the sandbox alone
    fleet = createFleetFeed({ names: o.names.length ? o.names : [o.first.info.name], open: o.open, processEnv: o.processEnv });
    await o.launch({ ...view, noColor: o.noColor, incident, environments: sessions, fleet });
  } finally {
    fleet?.close();
    incident.stop();
    await team?.close();
    // an action still running finishes its part (the call, the journal, the lock) before the sources close
    await sessions.close();
    await notifier.flush(FLUSH_MS);
    if (undelivered.length > 0) o.report(`${undelivered.length} notification(s) not delivered, the first: ${undelivered[0]}`);
  }
}
