/** Where the log panel's body is on screen for a layout: what scrolling a page means. */
import type { Layout } from '../layout.js';

export interface LogBodyBox {
  width: number;
  height: number;
  detail: boolean;
}

/** The body inside the log panel's frame (and under its error line), or undefined when it is a one-line summary. */
export function logBoxOf(layout: Layout, errorLine: boolean): LogBodyBox | undefined {
  let cell: { width: number; height: number } | undefined;
  let detail = false;
  if (layout.kind === 'detail') {
    if (layout.cell.id === 'logs') cell = layout.cell;
    detail = true;
  } else if (layout.kind === 'grid') cell = layout.rows.flat().find((c) => c.id === 'logs');
  else {
    const item = layout.items.find((i) => i.id === 'logs');
    if (item?.kind === 'expanded') cell = { width: layout.width, height: item.height };
  }
  if (!cell) return undefined;
  return { width: Math.max(0, cell.width - 4), height: Math.max(0, cell.height - 2 - (errorLine ? 1 : 0)), detail };
}
