/**
 * What a finding is about, as data: the kind of thing, its name, and the
 * qualifiers that make the name unique in an environment (a service's
 * cluster, a queue's Redis). Rows on screen find their verdict by this, and
 * the JSON report carries it as fields; the text subject is derived from it.
 */

export const SUBJECT_KINDS = ['ecs-service', 'db-instance', 'logs', 'queue', 'redis', 'postgres', 'probe', 'metric', 'panel'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface SubjectRef {
  kind: SubjectKind;
  /** the name as the system spells it: service, instance id, queue, Redis / database / probe name; a panel id for `panel` */
  name: string;
  /** the ECS cluster of a service: two clusters may each run a `checkout` */
  cluster?: string;
  /** the configured Redis a queue lives in */
  redis?: string;
}

// One AWS region and one account per environment (the config's `aws:`), so
// neither is a qualifier: two subjects of one environment never differ by them.

/** A key that is equal exactly when two refs name the same subject; for maps, never shown. */
export function subjectKey(ref: SubjectRef): string {
  return [ref.kind, ref.cluster ?? '', ref.redis ?? '', ref.name].join('\u0000');
}

export const serviceRef = (s: { cluster: string; name: string }): SubjectRef => ({ kind: 'ecs-service', name: s.name, cluster: s.cluster });
export const instanceRef = (i: { id: string }): SubjectRef => ({ kind: 'db-instance', name: i.id });
export const queueRef = (q: { redis: string; name: string }): SubjectRef => ({ kind: 'queue', name: q.name, redis: q.redis });
export const redisRef = (r: { name: string }): SubjectRef => ({ kind: 'redis', name: r.name });
export const databaseRef = (d: { name: string }): SubjectRef => ({ kind: 'postgres', name: d.name });
export const probeRef = (p: { name: string }): SubjectRef => ({ kind: 'probe', name: p.name });
/** a ruled series of a metrics endpoint: `app error_rate_total{route="/pay"}` */
export const metricRef = (r: { endpoint: string; series: string }): SubjectRef => ({ kind: 'metric', name: `${r.endpoint} ${r.series}` });
export const LOGS_REF: SubjectRef = { kind: 'logs', name: 'logs' };

/**
 * The subject in words: `env/name`, `env/redis/queue` for a queue, and
 * `env/cluster/name` for a service whose name another cluster of the
 * environment also uses. The cluster goes in as a path segment, not a
 * suffix, because `cluster/name` is how `thresholds.subjects` already names
 * such a service: what the report prints can be pasted into the config.
 */
export function subjectText(env: string, ref: SubjectRef, ambiguous = false): string {
  if (ref.kind === 'queue' && ref.redis !== undefined) return `${env}/${ref.redis}/${ref.name}`;
  if (ref.kind === 'ecs-service' && ambiguous && ref.cluster !== undefined) return `${env}/${ref.cluster}/${ref.name}`;
  if (ref.kind === 'panel' && ref.name === '') return env;
  return `${env}/${ref.name}`;
}

/** The service names that more than one cluster of the environment uses. */
export function ambiguousServiceNames(refs: Iterable<SubjectRef>): Set<string> {
  const clusters = new Map<string, Set<string>>();
  for (const r of refs) {
    if (r.kind !== 'ecs-service') continue;
    const set = clusters.get(r.name) ?? new Set<string>();
    set.add(r.cluster ?? '');
    clusters.set(r.name, set);
  }
  return new Set([...clusters].filter(([, cs]) => cs.size > 1).map(([n]) => n));
}
