import type { PanelData, PanelId } from '../../src/model/panels.js';
import type { Line } from '../text.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import type { PanelCtx, PanelView, PanelViews } from './types.js';
import { ecsPanel } from './EcsPanel.js';
import { rdsPanel } from './RdsPanel.js';
import { logsPanel } from './LogsPanel.js';
import { queuesPanel } from './QueuesPanel.js';
import { postgresPanel } from './PostgresPanel.js';
import { healthPanel } from './HealthPanel.js';
import { metricsPanel } from './MetricsPanel.js';

const PANEL_VIEWS: PanelViews = {
  ecs: ecsPanel,
  rds: rdsPanel,
  logs: logsPanel,
  queues: queuesPanel,
  postgres: postgresPanel,
  health: healthPanel,
  metrics: metricsPanel,
};

// TypeScript cannot correlate PANEL_VIEWS[id] with PanelData[id] for a generic
// id, so these three helpers do the one cast in one place.
function view<K extends PanelId>(id: K): PanelView<K> {
  return PANEL_VIEWS[id] as unknown as PanelView<K>;
}

export function rowCount<K extends PanelId>(id: K, data: PanelData[K] | undefined, filter: string): number {
  return data === undefined ? 0 : view(id).count(data, filter);
}

export function panelSummary<K extends PanelId>(id: K, data: PanelData[K], now: number, verdicts: Verdicts): Line {
  return view(id).summary(data, now, verdicts);
}

export function panelBody<K extends PanelId>(id: K, data: PanelData[K], ctx: PanelCtx): Line[] {
  return view(id).body(data, ctx);
}

export function selectsFromEnd(id: PanelId): boolean {
  return PANEL_VIEWS[id].fromEnd === true;
}
