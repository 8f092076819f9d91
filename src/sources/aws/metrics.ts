/**
 * CPU and memory utilisation of ECS services from CloudWatch. One
 * GetMetricData call covers every service of every cluster: per-service calls
 * would cost one request per service per poll and throttle quickly.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { send, type AwsContext } from './clients.js';
import type { Utilisation } from './ecsMap.js';
import { chunk, lastSegment } from './util.js';
import { oneLine } from '../../text/sanitize.js';

export const PERIOD_SECONDS = 60;
const WINDOW_MS = 30 * 60_000;
/** GetMetricData's limit on queries per request. */
const MAX_QUERIES = 500;
// Also bounds a runaway NextToken loop.
const MAX_PAGES = 10;

interface MetricTarget {
  cluster: string;
  service: string;
}

interface UtilisationResult {
  /** by index into the targets */
  series: Utilisation[];
  /** per-metric problems CloudWatch reported without failing the call */
  warnings: string[];
}

/** Query ids must start with a lower-case letter; the index maps results back. */
const idOf = (metric: 'cpu' | 'mem', i: number) => `${metric}${i}`;

function query(id: string, metricName: string, t: MetricTarget): MetricDataQuery {
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ECS',
        MetricName: metricName,
        Dimensions: [
          { Name: 'ClusterName', Value: lastSegment(t.cluster) },
          { Name: 'ServiceName', Value: lastSegment(t.service) },
        ],
      },
      Period: PERIOD_SECONDS,
      Stat: 'Average',
    },
  };
}

function utilisationQueries(targets: readonly MetricTarget[]): MetricDataQuery[] {
  return targets.flatMap((t, i) => [query(idOf('cpu', i), 'CPUUtilization', t), query(idOf('mem', i), 'MemoryUtilization', t)]);
}

/**
 * Every query's points over the last WINDOW_MS, by query id and time: as few
 * GetMetricData calls as the API allows (500 queries a call), following
 * NextToken. `what` names the figures in a warning ("ECS utilisation").
 */
export async function fetchMetricPoints(
  ctx: AwsContext,
  queries: readonly MetricDataQuery[],
  now: number,
  what: string,
  signal?: AbortSignal,
): Promise<{ points: Map<string, Map<number, number>>; warnings: string[] }> {
  // Whole minutes: CloudWatch answers period-aligned ranges faster.
  const end = Math.floor(now / 60_000) * 60_000;
  const points = new Map<string, Map<number, number>>();
  const warnings = new Set<string>();
  for (const batch of chunk(queries, MAX_QUERIES)) {
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await send(
        ctx,
        'cloudwatch',
        (cw) =>
          new cw.GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: new Date(end - WINDOW_MS),
            EndTime: new Date(end),
            ScanBy: 'TimestampAscending',
            ...(token ? { NextToken: token } : {}),
          }),
        signal,
      );
      for (const r of out.MetricDataResults ?? []) collect(points, r, warnings, what);
      token = out.NextToken;
    } while (token && ++pages < MAX_PAGES);
  }
  return { points, warnings: [...warnings] };
}

export async function readUtilisation(ctx: AwsContext, targets: readonly MetricTarget[], now: number, signal?: AbortSignal): Promise<UtilisationResult> {
  const series: Utilisation[] = targets.map(() => ({ cpu: [], memory: [] }));
  if (targets.length === 0) return { series, warnings: [] };
  const { points, warnings } = await fetchMetricPoints(ctx, utilisationQueries(targets), now, 'ECS utilisation', signal);
  targets.forEach((_, i) => {
    const s = series[i] as Utilisation;
    s.cpu = oldestFirst(points.get(idOf('cpu', i)));
    s.memory = oldestFirst(points.get(idOf('mem', i)));
  });
  return { series, warnings };
}

function collect(points: Map<string, Map<number, number>>, r: MetricDataResult, warnings: Set<string>, what: string): void {
  if (!r.Id) return;
  if (r.StatusCode === 'Forbidden' || r.StatusCode === 'InternalError') {
    warnings.add(oneLine(`CloudWatch returned ${r.StatusCode} for ${what}${r.Messages?.[0]?.Value ? `: ${r.Messages[0].Value}` : ''}`, 300));
  }
  let byTime = points.get(r.Id);
  if (!byTime) points.set(r.Id, (byTime = new Map()));
  const ts = r.Timestamps ?? [];
  const vs = r.Values ?? [];
  for (let i = 0; i < Math.min(ts.length, vs.length); i++) byTime.set((ts[i] as Date).getTime(), vs[i] as number);
}

// Sorted here rather than trusting ScanBy: pages can interleave.
function oldestFirst(byTime: Map<number, number> | undefined): number[] {
  if (!byTime) return [];
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => Math.round(v * 10) / 10);
}
