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
import { readJournalTail, unreconciledIntents, type UnreconciledIntent } from '../audit/unreconciled.js';
import { auditPath } from '../state/paths.js';

export function findingsFeed(opened: OpenedEnvironment, runtime: Runtime, clock: Clock, onFindings?: (list: readonly Finding[]) => void): LiveFindings {
  return new LiveFindings({
    store: runtime.store,
    clock,
    env: () => runtime.env.name,
    // read once at start: the dashboard is where an operator first sees what a crash left (reconciling needs the CLI anyway)
    settings: { ...checkSettings(opened.config), unreconciled: journalFacts(runtime.env.name) },
    ...(onFindings ? { onEvaluated: (list: readonly Finding[]) => onFindings(list) } : {}),
  });
}

function journalFacts(env: string): UnreconciledIntent[] {
  try {
    return unreconciledIntents(readJournalTail(auditPath()), env);
  } catch {
    // an unreadable journal must not keep the dashboard from starting; `opsdeck check` says why
    return [];
  }
}
