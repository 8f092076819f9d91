/**
 * An incident's start, notes and end as notifications, the start and the end
 * with the status-page update a reader of the channel can paste: the
 * "Investigating" draft when it starts, the "Resolved" one when it ends
 * (src/incident/statusPage.ts, from the timeline as it stands then).
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

/** Each line of a status-page draft sanitised, the line breaks kept. */
function draft(rec: IncidentRecord, stage: 'Investigating' | 'Resolved'): string | undefined {
  const update = statusPageUpdates(summarise(rec)).find((u) => u.stage === stage);
  return update?.text.split('\n').map((l) => oneLine(l, 1000)).join('\n');
}

/** Read after the start (and the findings recorded with it), so the draft names what is already failing. */
export function incidentStarted(info: IncidentInfo, opts: { env: Env; by?: string }): IncidentNotice {
  const rec = readIncident(info.id, { env: opts.env });
  const statusPage = rec ? draft(rec, 'Investigating') : undefined;
  return { event: 'incident.started', ...base(info, info.startedAt, opts.by), ...(statusPage ? { statusPage } : {}) };
}

export function incidentNoted(info: Pick<IncidentInfo, 'id' | 'title' | 'environment'>, note: string, at: number, by?: string): IncidentNotice {
  return { event: 'incident.updated', ...base(info, at, by), note: oneLine(note, 2000) };
}

export function incidentEnded(rec: IncidentRecord, by?: string): IncidentNotice {
  const endedAt = rec.endedAt ?? Date.now();
  const statusPage = draft(rec, 'Resolved');
  return { event: 'incident.ended', ...base(rec, endedAt, by), durationMs: endedAt - rec.startedAt, ...(statusPage ? { statusPage } : {}) };
}
