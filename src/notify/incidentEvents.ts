/**
 * An incident's start, notes and end as notifications, each with the
 * status-page update a reader of the channel can paste, from the timeline as
 * it stands then (src/incident/statusPage.ts): "Investigating" when it
 * starts, on a note the stage it has reached ("Identified" once an operator
 * committed to a fix), "Resolved" when it ends.
 */
import { operatorLabel, readIncident } from '../incident/incident.js';
import { statusPageUpdates } from '../incident/statusPage.js';
import { summarise } from '../incident/summary.js';
import type { IncidentInfo, IncidentRecord } from '../incident/types.js';
import { oneLine } from '../text/sanitize.js';
import type { IncidentNotice } from './events.js';

type Env = Record<string, string | undefined>;

/** Where an incident not started against an environment sends its notifications: nowhere known. */
const NO_ENVIRONMENT = '-';

const ref = (inc: Pick<IncidentInfo, 'id' | 'title'>) => ({ id: inc.id, title: oneLine(inc.title, 200) });

function base(inc: Pick<IncidentInfo, 'id' | 'title' | 'environment'>, at: number, by: string | undefined) {
  return { environment: inc.environment ?? NO_ENVIRONMENT, at: new Date(at).toISOString(), operator: oneLine(by ?? operatorLabel(), 120), incident: ref(inc) };
}

type Stage = 'Investigating' | 'Identified' | 'Resolved';

/** Each line of a status-page draft sanitised, the line breaks kept; `stage` omitted: the latest the open incident reached. */
function draft(rec: IncidentRecord, stage?: Stage): string | undefined {
  const updates = statusPageUpdates(summarise(rec));
  // a note's draft is never "Resolved": the notice may be built after the end (the dashboard builds it off the key press)
  const update = stage ? updates.find((u) => u.stage === stage) : updates.filter((u) => u.stage !== 'Resolved' && u.at !== undefined).at(-1);
  return update?.text.split('\n').map((l) => oneLine(l, 1000)).join('\n');
}

/**
 * Read after the start (and the findings recorded with it), so the draft
 * names what is already failing. `rec`: the incident as the team store
 * holds it; without it, the local timeline is read.
 */
export function incidentStarted(info: IncidentInfo, opts: { env: Env; by?: string; rec?: IncidentRecord }): IncidentNotice {
  const rec = opts.rec ?? readIncident(info.id, { env: opts.env });
  const statusPage = rec ? draft(rec, 'Investigating') : undefined;
  return { event: 'incident.started', ...base(info, info.startedAt, opts.by), ...(statusPage ? { statusPage } : {}) };
}

/** `rec`: the incident with the note, for the draft; omitted, the local timeline is read when `env` is given. */
export function incidentNoted(info: Pick<IncidentInfo, 'id' | 'title' | 'environment'>, note: string, at: number, by?: string, from: { env?: Env; rec?: IncidentRecord } = {}): IncidentNotice {
  const rec = from.rec ?? (from.env ? readIncident(info.id, { env: from.env }) : undefined);
  const statusPage = rec ? draft(rec) : undefined;
  return { event: 'incident.updated', ...base(info, at, by), note: oneLine(note, 2000), ...(statusPage ? { statusPage } : {}) };
}

export function incidentEnded(rec: IncidentRecord, by?: string): IncidentNotice {
  const endedAt = rec.endedAt ?? Date.now();
  const statusPage = draft(rec, 'Resolved');
  return { event: 'incident.ended', ...base(rec, endedAt, by), durationMs: endedAt - rec.startedAt, ...(statusPage ? { statusPage } : {}) };
}
