/**
 * Pure helpers the log view and the checks use on lines already read:
 * severity, grouping by fingerprint, the search line, context around matches.
 */
export { severityOf } from './logs/severity.js';
export { fingerprint, FINGERPRINT_MAX, MASKS } from './logs/fingerprint.js';
export { topErrors, type ErrorGroup } from './logs/topErrors.js';
export { isErrorEvent, joinTraces, TraceJoiner, TRACE_GAP_MS } from './logs/traces.js';
export { compileFilter, matchingIndexes, MAX_PATTERN, MAX_SCAN, type CompiledFilter, type HighlightRange, type LineFilter } from './logs/filter.js';
export { withContext, type ContextRow } from './logs/context.js';
