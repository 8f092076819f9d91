/**
 * CPU, free storage, connections and read/write latency of RDS instances
 * from CloudWatch: one GetMetricData call for every instance (five queries
 * each), the last 30 minutes at one-minute resolution.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AwsContext } from './clients.js';
import { fetchMetricPoints, PERIOD_SECONDS } from './metrics.js';

/** Samples oldest first, one a minute; empty when CloudWatch has none. */
export interface DbMetricSeries {
  cpuPercent: number[];
  freeStorageBytes: number[];
  connections: number[];
  readLatencyMs: number[];
  writeLatencyMs: number[];
}

type Key = keyof DbMetricSeries;

/** query id prefix, CloudWatch metric, and the scale to the model's unit */
const METRICS: readonly { key: Key; prefix: string; metric: string; scale: number; digits: number }[] = [
  { key: 'cpuPercent', prefix: 'cpu', metric: 'CPUUtilization', scale: 1, digits: 1 },
  { key: 'freeStorageBytes', prefix: 'free', metric: 'FreeStorageSpace', scale: 1, digits: 0 },
  { key: 'connections', prefix: 'conn', metric: 'DatabaseConnections', scale: 1, digits: 0 },
  // CloudWatch reports latency in seconds
  { key: 'readLatencyMs', prefix: 'rlat', metric: 'ReadLatency', scale: 1000, digits: 2 },
  { key: 'writeLatencyMs', prefix: 'wlat', metric: 'WriteLatency', scale: 1000, digits: 2 },
];

function rdsMetricQueries(ids: readonly string[]): MetricDataQuery[] {
  return ids.flatMap((id, i) =>
    METRICS.map((m) => ({
      Id: `${m.prefix}${i}`,
      ReturnData: true,
      MetricStat: {
        Metric: { Namespace: 'AWS/RDS', MetricName: m.metric, Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }] },
        Period: PERIOD_SECONDS,
        Stat: 'Average',
      },
    })),
  );
}

export const emptySeries = (): DbMetricSeries => ({ cpuPercent: [], freeStorageBytes: [], connections: [], readLatencyMs: [], writeLatencyMs: [] });

export async function readRdsMetrics(ctx: AwsContext, ids: readonly string[], now: number, signal?: AbortSignal): Promise<{ series: DbMetricSeries[]; warnings: string[] }> {
  const series = ids.map(emptySeries);
  if (ids.length === 0) return { series, warnings: [] };
  const { points, warnings } = await fetchMetricPoints(ctx, rdsMetricQueries(ids), now, 'RDS metrics', signal);
  ids.forEach((_, i) => {
    for (const m of METRICS) {
      const byTime = points.get(`${m.prefix}${i}`);
      const f = 10 ** m.digits;
      (series[i] as DbMetricSeries)[m.key] = byTime ? [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => Math.round(v * m.scale * f) / f) : [];
    }
  });
  return { series, warnings: [...warnings] };
}

export function latest(values: readonly number[]): number | undefined {
  return values.length > 0 ? values[values.length - 1] : undefined;
}
