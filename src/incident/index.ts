/** Incident mode: a timeline of what was seen and done, ended with a drafted review. */
export { startIncident, currentIncident, endIncident, readIncident, currentPointerPath, IncidentError } from './incident.js';
export { IncidentRecorder, type IncidentStatus } from './recorder.js';
export { ESCALATION_MARKS } from './escalation.js';
export { readTimeline } from './timeline.js';
export type * from './types.js';
