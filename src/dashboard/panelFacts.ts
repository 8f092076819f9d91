// What the panels and the checklist read off their data besides drawing it: ages, crash loops,
// the tags drills and restores leave, the key that keeps a finding's row selected.
export { findingKey } from '../checks/tracker.js';
export { dataAgeMs } from '../engine/store.js';
export { failedStops, isCrashLooping } from '../checks/crashLoop.js';
export { DRILL_TAG, PITR_TAG, RESTORED_FROM_TAG } from '../actions/rds/context.js';
export { statusSeverity } from '../checks/rules/rds.js';
