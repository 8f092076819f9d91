// The drill screen's words and times, as the CLI's drill report writes them.
export { summaryLine } from '../drills/report.js';
export { stepDuration } from '../drills/setup.js';
export { DRILL_STEP_TITLES } from '../drills/types.js';
