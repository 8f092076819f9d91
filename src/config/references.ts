/**
 * Rules across the entries of one environment, which no field can check on
 * its own: names that must be unique, and names that must refer to something
 * the environment configures. They read the raw value defensively, so they
 * report even when a type error elsewhere stopped the schema's refinements.
 */
import { didYouMean, type PathSegment, type Problem } from './errors.js';

type Entry = Record<string, unknown>;

const entries = (v: unknown): Entry[] => (Array.isArray(v) ? v.map((e) => (e && typeof e === 'object' && !Array.isArray(e) ? (e as Entry) : {})) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): (string | undefined)[] => (Array.isArray(v) ? v.map(str) : []);

/** The last part of a cluster ARN, as ECS names the cluster in what it returns. */
const clusterName = (cluster: string) => cluster.slice(cluster.lastIndexOf('/') + 1);

/** `duplicate name "jobs" (also redis[0])` for each name seen before in the same list. */
function duplicates(env: readonly PathSegment[], list: string, names: (string | undefined)[], what: string, key?: string): Problem[] {
  const seen = new Map<string, number>();
  const out: Problem[] = [];
  names.forEach((name, i) => {
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else out.push({ path: [...env, ...list.split('.'), i, ...(key ? [key] : [])], message: `duplicate ${what} "${name}" (also ${list}[${first}])` });
  });
  return out;
}

/**
 * The same service watched twice would be read, judged and acted on twice.
 * A cluster may appear more than once (different services under different
 * topology rules) as long as no service is in two entries.
 */
function ecsDuplicates(env: readonly PathSegment[], ecs: Entry[]): Problem[] {
  const out: Problem[] = [];
  const whole = new Map<string, number>();
  const listed = new Map<string, number>();
  ecs.forEach((c, i) => {
    const cluster = str(c.cluster);
    if (cluster === undefined) return;
    const name = clusterName(cluster);
    out.push(...duplicates([...env, 'ecs', i], 'services', strings(c.services), 'service'));
    if (!Array.isArray(c.services)) {
      const other = whole.get(name) ?? listed.get(name);
      if (other !== undefined) out.push({ path: [...env, 'ecs', i, 'cluster'], message: `cluster "${name}" is already watched by ecs[${other}]; list each entry's services, or merge the entries` });
      else whole.set(name, i);
      return;
    }
    const everyService = whole.get(name);
    strings(c.services).forEach((s, j) => {
      if (s === undefined) return;
      const other = everyService ?? listed.get(`${name}/${s}`);
      if (other !== undefined && other !== i) out.push({ path: [...env, 'ecs', i, 'services', j], message: `service "${s}" of cluster "${name}" is already watched by ecs[${other}]` });
      else listed.set(`${name}/${s}`, i);
    });
    if (!listed.has(name)) listed.set(name, i);
  });
  return out;
}

const KIND_WORD: Record<string, string> = { redis: 'Redis', postgres: 'PostgreSQL database', http: 'HTTP probe' };

/** `singleInstanceUnless: redis:locks` must name a Redis, database or probe of this environment. */
function conditionReferences(env: readonly PathSegment[], raw: Entry, ecs: Entry[]): Problem[] {
  const out: Problem[] = [];
  ecs.forEach((c, i) => {
    const condition = str(c.singleInstanceUnless);
    const m = condition?.match(/^(redis|postgres|http):(.+)$/);
    if (!m) return;
    const [, kind, name] = m as unknown as [string, 'redis' | 'postgres' | 'http', string];
    const names = entries(raw[kind]).map((e) => str(e.name)).filter((n): n is string => n !== undefined);
    if (names.includes(name)) return;
    const known = names.length ? `${kind}: ${names.join(', ')}` : `this environment has no ${kind} entries`;
    out.push({ path: [...env, 'ecs', i, 'singleInstanceUnless'], message: `no ${KIND_WORD[kind]} named "${name}" is configured (${known})${didYouMean(name, names)}` });
  });
  return out;
}

/**
 * `thresholds.subjects` names that can be nothing in this environment. When
 * some cluster is watched whole, any name may be one of its services: those
 * are left to the check, which says so once every panel has been read.
 */
function subjectReferences(env: readonly PathSegment[], raw: Entry, ecs: Entry[]): Problem[] {
  const thresholds = raw.thresholds;
  const subjects = thresholds && typeof thresholds === 'object' ? (thresholds as Entry).subjects : undefined;
  if (!subjects || typeof subjects !== 'object' || Array.isArray(subjects)) return [];
  if (ecs.some((c) => !Array.isArray(c.services))) return [];
  const known = new Set<string>();
  for (const c of ecs) {
    const cluster = str(c.cluster);
    for (const s of strings(c.services)) {
      if (s === undefined) continue;
      known.add(s);
      if (cluster) known.add(`${clusterName(cluster)}/${s}`);
    }
  }
  for (const r of entries(raw.rds)) if (str(r.instance)) known.add(str(r.instance)!);
  for (const l of entries(raw.logs)) if (str(l.group)) known.add(str(l.group)!);
  for (const r of entries(raw.redis)) {
    for (const q of entries(r.queues)) {
      const name = str(q.name);
      if (!name) continue;
      known.add(name);
      if (str(r.name)) known.add(`${str(r.name)}/${name}`);
    }
  }
  for (const kind of ['postgres', 'http'] as const) for (const e of entries(raw[kind])) if (str(e.name)) known.add(str(e.name)!);
  return Object.keys(subjects)
    .filter((name) => name !== '' && !known.has(name))
    .map((name) => ({
      path: [...env, 'thresholds', 'subjects', name],
      message: `names no service, RDS instance, log group, queue, database or probe of this environment${didYouMean(name, [...known])}`,
    }));
}

/** The cross-entry problems of one environment, `raw` being its value after interpolation. */
export function environmentReferenceProblems(name: string, raw: unknown): Problem[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const env: PathSegment[] = ['environments', name];
  const e = raw as Entry;
  const ecs = entries(e.ecs);
  const redis = entries(e.redis);
  return [
    ...ecsDuplicates(env, ecs),
    ...duplicates(env, 'rds', entries(e.rds).map((r) => str(r.instance)), 'instance', 'instance'),
    ...duplicates(env, 'logs', entries(e.logs).map((l) => str(l.group)), 'log group', 'group'),
    ...duplicates(env, 'redis', redis.map((r) => str(r.name)), 'name', 'name'),
    ...redis.flatMap((r, i) => duplicates([...env, 'redis', i], 'queues', entries(r.queues).map((q) => str(q.name)), 'queue', 'name')),
    ...duplicates(env, 'postgres', entries(e.postgres).map((p) => str(p.name)), 'name', 'name'),
    ...duplicates(env, 'http', entries(e.http).map((h) => str(h.name)), 'name', 'name'),
    ...conditionReferences(env, e, ecs),
    ...subjectReferences(env, e, ecs),
  ];
}
