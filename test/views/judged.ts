/** What the checks engine says of view-test data: panels get their marks from it, as in the dashboard. */
import type { PanelData } from '../../src/model/panels.js';
import { evaluateChecks } from '../../src/checks/evaluate.js';
import { verdictsOf, type Verdicts } from '../../src/model/verdicts.js';
import type { Thresholds } from '../../src/config/schema.js';

export function judged(data: Partial<PanelData>, now: number, thresholds?: Thresholds): Verdicts {
  return verdictsOf(evaluateChecks(data, {}, { env: 'prod', now, ...(thresholds ? { thresholds } : {}) }));
}
