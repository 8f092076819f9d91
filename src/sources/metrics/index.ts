/** Prometheus text exposition endpoints and the rows their rules make. */
export { createMetricsSource, DEFAULT_CHECK_GAP } from './source.js';
export { parseExposition, seriesText, type Exposition, type Sample } from './parse.js';
