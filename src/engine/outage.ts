/**
 * The dashboard's reading of a refresh during an outage: a panel keeps its
 * last good data, marked with the error and its age, instead of going blank.
 *
 * A source reports what it could not read as a fact (a Redis down, a database
 * in `errors`, a probe that failed), which is right for `check`: the outage is
 * itself the thing to judge. On screen, though, what it held would vanish.
 *  - a whole source down (every database, a Redis that held queues): the
 *    refresh counts as failed, so the store keeps the last good snapshot and
 *    the frame says stale with its age and the error;
 *  - part of it down (one database of several, one probe): the fresh snapshot
 *    stands, and carries the down part's last good figures for the row.
 */
import type { HealthSnapshot, ProbeResult } from '../model/health.js';
import type { PanelSnapshot } from '../model/panels.js';
import type { PostgresSnapshot } from '../model/postgres.js';
import { redisOutageMessage, type QueuesSnapshot } from '../model/queues.js';

export function failOnQueueOutage(snap: QueuesSnapshot, lastGood: QueuesSnapshot | undefined): QueuesSnapshot {
  const held = new Set(lastGood?.queues.map((q) => q.redis));
  const down = snap.redis.filter((r) => !r.ok && held.has(r.name));
  if (down.length === 0) return snap;
  throw new Error(redisOutageMessage(down.map((r) => r.name), down[0]!.error ?? 'no answer'));
}

/** Databases that did not answer keep their last good figures (and since when) in `held`. */
export function holdDownDatabases(snap: PostgresSnapshot, last: Pick<PanelSnapshot<PostgresSnapshot>, 'data' | 'updatedAt'>): PostgresSnapshot {
  const errors = snap.errors ?? [];
  if (errors.length === 0 || !last.data || last.updatedAt === undefined) return snap;
  const held: NonNullable<PostgresSnapshot['held']> = [];
  for (const e of errors) {
    const was = last.data.databases.find((d) => d.name === e.name);
    const before = last.data.held?.find((h) => h.db.name === e.name);
    if (was) held.push({ db: was, at: last.updatedAt });
    else if (before) held.push(before);
  }
  return held.length ? { ...snap, held } : snap;
}

/** A failing probe keeps its last good answer (or the one it already carried) for the row. */
export function holdDownProbes(snap: HealthSnapshot, last: HealthSnapshot | undefined): HealthSnapshot {
  if (!last || snap.probes.every((p) => p.ok)) return snap;
  const before = new Map(last.probes.map((p) => [p.name, p]));
  const probes = snap.probes.map((p): ProbeResult => {
    const prev = before.get(p.name);
    if (p.ok || !prev) return p;
    if (prev.ok) return { ...p, lastOk: { status: prev.status, latencyMs: prev.latencyMs, fields: prev.fields, at: prev.checkedAt } };
    return prev.lastOk ? { ...p, lastOk: prev.lastOk } : p;
  });
  return { ...snap, probes };
}
