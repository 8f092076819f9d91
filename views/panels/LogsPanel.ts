/**
 * The log tail: the dashboard tile and the full-screen view draw the same
 * thing at different sizes (see views/logs/): newest lines at the bottom
 * while following, errors stand out, the error rate and how the tail reads.
 */
import type { Line } from '../text.js';
import { seg } from '../text.js';
import { sparkline } from '../format.js';
import { initialViewState } from '../state.js';
import { logBody } from '../logs/screen.js';
import { SEVERITY_TONE } from '../logs/rows.js';
import { errorFigure } from '../logs/status.js';
import type { PanelView } from './types.js';

export const logsPanel: PanelView<'logs'> = {
  id: 'logs',
  // scrolling the log view is its own (views/logs/keys.ts); this only says whether there is anything
  count: (data) => data.lines.length,
  summary(data, _now, verdicts) {
    const fig = errorFigure(data, verdicts);
    const line: Line = [seg(fig.text.replace(/^errors /, 'err '), fig.tone), seg(` ${sparkline(data.errorsPerMinute, 10)} `, fig.spark)];
    const last = data.lines.at(-1);
    if (last) line.push(seg(last.message.slice(0, 500), SEVERITY_TONE[last.severity]));
    return line;
  },
  body(data, ctx) {
    return logBody(data, { width: ctx.width, height: ctx.height, detail: ctx.detail, now: ctx.now, filter: ctx.filter, view: ctx.logView ?? initialViewState.logs, verdicts: ctx.verdicts });
  },
};
