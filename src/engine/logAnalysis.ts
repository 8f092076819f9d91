/**
 * Pure helpers the log view and the checks use on lines already read:
 * severity, grouping by fingerprint, the search line, context around matches.
 */
export { severityOf } from './logs/severity.js';
export { fingerprint } from './logs/fingerprint.js';
export { topErrors, type ErrorGroup } from './logs/topErrors.js';
export { isErrorEvent, joinTraces, TraceJoiner, TRACE_GAP_MS } from './logs/traces.js';
export { compileFilter, type HighlightRange, type LineFilter } from './logs/filter.js';
export { withContext } from './logs/context.js';
