/**
 * The findings feed of one environment: the checks engine run on what the
 * panels hold, with the environment's thresholds, every time the store
 * changes. The header, the panels' marks and the checklist screen read it.
 */
import type { Clock } from '../engine/clock.js';
import type { Runtime } from '../engine/runtime.js';
import type { Finding } from '../model/findings.js';
import { LiveFindings } from '../checks/live.js';
import { checkSettings } from '../checks/evaluate.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import { JournalWatch } from '../audit/journalWatch.js';
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import { auditPath } from '../state/paths.js';
import { DrillHistoryWatch } from '../drills/historyWatch.js';

/** A call this dashboard is still making: its intent has no outcome yet because it is under way, not lost. */
export interface CallUnderWay {
  action: string;
  target: string;
}

/** The journal's intents without outcome, less the newest of each call still under way here (a runbook run's lasts minutes). */
export function lostIntents(intents: readonly UnreconciledIntent[], underWay: readonly CallUnderWay[]): UnreconciledIntent[] {
  const live = new Set<number>();
  for (const u of underWay) {
    const newest = intents.filter((i) => i.action === u.action && i.target === u.target).at(-1);
    if (newest) live.add(newest.seq);
  }
  return intents.filter((i) => !live.has(i.seq));
}

export function findingsFeed(opened: OpenedEnvironment, runtime: Runtime, clock: Clock, onFindings?: (list: readonly Finding[]) => void, underWay: () => readonly CallUnderWay[] = () => []): LiveFindings {
  // the journal is watched, not read once: a reconcile from another terminal clears its finding here
  const journal = new JournalWatch({
    path: auditPath(),
    environment: runtime.env.name,
    signal: runtime.signal,
    onChange: () => {
      // before the first run the checks will read it anyway
      if (feed.getState().evaluatedAt !== undefined) feed.evaluateNow();
    },
  });
  const settings = checkSettings(opened.config);
  const drills = Object.keys(settings.drillPolicy ?? {}).length === 0 ? undefined : new DrillHistoryWatch({
    environment: runtime.env.name,
    ...(opened.teamStore ? { teamStore: opened.teamStore } : {}),
    ...(opened.seededDrills ? { seeded: opened.seededDrills() } : {}),
    signal: runtime.signal,
    onChange: () => {
      if (feed.getState().evaluatedAt !== undefined) feed.evaluateNow();
    },
  });
  const feed = new LiveFindings({
    store: runtime.store,
    clock,
    env: () => runtime.env.name,
    // a getter: every run of the checks takes the watch's latest list
    settings: {
      ...settings,
      get unreconciled() {
        const current = journal.current;
        return current && lostIntents(current, underWay());
      },
      get drills() {
        return drills?.current;
      },
    },
    ...(onFindings ? { onEvaluated: (list: readonly Finding[]) => onFindings(list) } : {}),
  });
  journal.start();
  drills?.start();
  return feed;
}
