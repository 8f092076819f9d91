/**
 * Where a drill history is read from: the team store when the environment has
 * one (every operator's drills), else this machine's history file, plus what
 * the sandbox seeds for the demo. Reaching the store also sends it the local
 * drills it lacks (a drill made while it was down): that is the "later" of
 * "recorded locally, uploaded later". A store that does not answer costs a
 * warning, not the answer: the local history is used instead.
 */
import { migrate } from '../team/migrations.js';
import { listDrillReports, uploadDrillReports } from '../team/drillReports.js';
import { openTeamStore, type TeamStoreOptions } from '../team/store.js';
import { historyPath, mergeHistory, readHistory, type DrillSummary } from './history.js';

export interface HistorySourceOptions {
  environment: string;
  /** the team store's URL (a secret: never printed) */
  teamStore?: string;
  /** drills the backend had before this run (the sandbox's seeded history) */
  seeded?: readonly DrillSummary[];
  processEnv?: Record<string, string | undefined>;
  store?: TeamStoreOptions;
  /** one line for stderr */
  warn(line: string): void;
}

export interface LoadedHistory {
  drills: DrillSummary[];
  from: 'team store' | 'local';
  /** local drills sent to the store by this call */
  uploaded: number;
}

export async function loadDrillHistory(o: HistorySourceOptions): Promise<LoadedHistory> {
  const local = readHistory(o.environment, o.processEnv);
  const seeded = o.seeded ?? [];
  if (!o.teamStore) return { drills: mergeHistory(local, seeded), from: 'local', uploaded: 0 };
  const store = openTeamStore(o.teamStore, o.store);
  try {
    await migrate(store.pool);
    const uploaded = await uploadDrillReports(store.pool, local);
    const stored = await listDrillReports(store.pool, o.environment);
    return { drills: mergeHistory(stored, seeded), from: 'team store', uploaded };
  } catch (err) {
    o.warn(`team store ${store.where}: ${store.describe(err)}; drill history from this machine only (${local.length} drill${local.length === 1 ? '' : 's'})`);
    return { drills: mergeHistory(local, seeded), from: 'local', uploaded: 0 };
  } finally {
    await store.close();
  }
}

/** After a drill: its line (and any left unsent) to the team store now; a store that does not answer gets them at the next drill command that reaches it. */
export async function uploadDrillHistory(o: Omit<HistorySourceOptions, 'seeded'> & { teamStore: string }): Promise<number> {
  const local = readHistory(o.environment, o.processEnv);
  const store = openTeamStore(o.teamStore, o.store);
  try {
    await migrate(store.pool);
    return await uploadDrillReports(store.pool, local);
  } catch (err) {
    o.warn(`team store ${store.where}: ${store.describe(err)}; the drill's report is kept in ${historyPath(o.processEnv)} and sent at the next drill command that reaches the store`);
    return 0;
  } finally {
    await store.close();
  }
}
