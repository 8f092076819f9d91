/** What the log view computes with: filtering, context, top errors, rates, and saving what it shows. */
import { ensureStateDir } from '../state/paths.js';

export { compileFilter, topErrors, withContext, type ErrorGroup, type HighlightRange, type LineFilter } from '../engine/logAnalysis.js';
export { errorRatePercent, errorsPerMinute } from '../engine/logTail.js';
export { saveLogRows } from '../engine/logExport.js';

/** Where S saves the log lines, first that takes it: the current directory, then the state directory. */
export const DEFAULT_LOG_SAVE_DIRS: readonly (() => string)[] = [() => process.cwd(), () => ensureStateDir()];
