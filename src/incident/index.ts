/** Incident mode: a timeline of what was seen and done, ended with a drafted review. */
export { startIncident, currentIncident, endIncident, readIncident, incidentsDir, currentPointerPath, IncidentError, TITLE_MAX, type EndedIncident, type IncidentOptions } from './incident.js';
export { IncidentRecorder, type ActionEvent, type FindingChange, type IncidentStatus, type RecorderOptions } from './recorder.js';
export { ESCALATION_MARKS, dueMarks, markText, nextMark, type EscalationMark } from './escalation.js';
export { appendEntry, readTimeline, parseTimeline, chronological, type TimelineRead } from './timeline.js';
export { buildReview } from './review.js';
export { statusPageUpdates, type StatusUpdate } from './statusPage.js';
export { summarise, actionRuns, type ActionRun, type IncidentSummary } from './summary.js';
export { clockUtc, countdown, dateTimeUtc, describeEntry, duration, entryLine, offset } from './format.js';
export type * from './types.js';
