/** PostgreSQL: room for connections, and who is blocking whom. */
import type { PgHealth, PgSession, PostgresSnapshot } from '../../src/model/postgres.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { databaseRef } from '../../src/model/subjects.js';
import type { Tone } from '../theme.js';
import { markOf, problemTone } from '../theme.js';
import type { Line } from '../text.js';
import { highlight, matchesFilter, seg } from '../text.js';
import { age, bytes, duration, percent } from '../format.js';
import { oneLine } from '../../src/dashboard/text.js';
import type { PanelView } from './types.js';

/** The tone the connections check gave a database's connection count. */
export function connectionTone(db: { name: string }, verdicts: Verdicts): Tone | undefined {
  return problemTone(verdicts.of(databaseRef(db), ['postgres.connections']));
}

export interface SessionRow {
  db: PgHealth;
  kind: 'blocked' | 'long' | 'idle';
  session: PgSession;
  blockedBy?: number[];
}

/** The rows j/k moves through: blocked first (they are the incident), then long queries, then idle in transaction. */
export function sessionRows(data: PostgresSnapshot, filter: string): SessionRow[] {
  const rows: SessionRow[] = [];
  const longestFirst = <T extends PgSession>(xs: T[]) => [...xs].sort((a, b) => b.durationMs - a.durationMs);
  for (const db of data.databases) {
    for (const b of longestFirst(db.blocked)) rows.push({ db, kind: 'blocked', session: b, blockedBy: b.blockedBy });
    for (const s of longestFirst(db.longQueries)) rows.push({ db, kind: 'long', session: s });
    for (const s of longestFirst(db.idleInTransaction)) rows.push({ db, kind: 'idle', session: s });
  }
  return rows.filter((r) => matchesFilter(filter, r.db.name, r.session.query, r.session.user, String(r.session.pid), r.session.state));
}

/** The session the selection is on, clamped to the rows the panel draws (what K and T act on). */
export function selectedSession(data: PostgresSnapshot | undefined, filter: string, selected: number): SessionRow | undefined {
  if (!data) return undefined;
  const rows = sessionRows(data, filter);
  return rows[Math.max(0, Math.min(selected, rows.length - 1))];
}

function dbLine(db: PgHealth, verdicts: Verdicts): Line {
  const { total, max, byState } = db.connections;
  const tone = connectionTone(db, verdicts);
  const mark = markOf(verdicts.of(databaseRef(db)));
  const line: Line = [
    seg(`${mark.text} `, mark.tone),
    seg(db.name, undefined, { bold: true }),
    seg('  rtt ', 'muted'),
    seg(duration(db.rttMs)),
    seg('  conns ', 'muted'),
    seg(`${total}/${max} ${max > 0 ? percent((100 * total) / max) : ''}`.trim(), tone),
  ];
  const states = Object.entries(byState)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  if (states) line.push(seg(` (${states})`, 'muted'));
  line.push(seg('  size ', 'muted'), seg(bytes(db.databaseSizeBytes)));
  // no check judges replication lag: the figure is shown plain
  if (db.replicationLagMs !== null) line.push(seg('  lag ', 'muted'), seg(duration(db.replicationLagMs)));
  return line;
}

/** A database that did not answer, marked as the checks judged it (unknown: they could not look). */
function errorLine(name: string, error: string, verdicts: Verdicts): Line {
  const mark = markOf(verdicts.of(databaseRef({ name })));
  const tone = mark.tone ?? 'unknown';
  return [seg(`${mark.text} `, tone), seg(name, tone, { bold: true }), seg(`  ${oneLine(error, 300)}`, tone)];
}

/** Under a database that did not answer: its last good figures, muted, with their age. */
function heldLine(held: { db: PgHealth; at: number }, now: number): Line {
  const { total, max } = held.db.connections;
  return [seg(`  last good ${age(now - held.at)} ago: rtt ${duration(held.db.rttMs)}  conns ${total}/${max}  size ${bytes(held.db.databaseSizeBytes)}  blocked ${held.db.blocked.length}`, 'muted')];
}

const heldOf = (data: PostgresSnapshot, name: string) => data.held?.find((h) => h.db.name === name);

const blockedTone = (db: { name: string }, verdicts: Verdicts) => problemTone(verdicts.of(databaseRef(db), ['postgres.blocked']));

function countsLine(db: PgHealth, verdicts: Verdicts): Line {
  return [
    seg('  blocked ', 'muted'),
    seg(String(db.blocked.length), blockedTone(db, verdicts)),
    seg('  long queries ', 'muted'),
    seg(String(db.longQueries.length)),
    seg('  idle in transaction ', 'muted'),
    seg(String(db.idleInTransaction.length)),
  ];
}

function sessionLine(r: SessionRow, multiDb: boolean, verdicts: Verdicts): Line {
  const s = r.session;
  const label = r.kind === 'blocked' ? 'blocked' : r.kind === 'long' ? 'long' : 'idle-tx';
  // a blocked session is as bad as the blocked-query check says; long and idle sessions are not judged
  const tone: Tone | undefined = r.kind === 'blocked' ? blockedTone(r.db, verdicts) : undefined;
  const line: Line = [
    seg(`${label.padEnd(8)}`, tone ?? 'muted'),
    seg(`${duration(s.durationMs).padStart(5)} `, tone),
    seg(`pid ${s.pid} `, 'muted'),
  ];
  if (r.blockedBy && r.blockedBy.length > 0) line.push(seg(`by ${r.blockedBy.join(',')} `, tone ?? 'muted'));
  if (multiDb) line.push(seg(`${r.db.name} `, 'muted'));
  if (s.user) line.push(seg(`${s.user} `, 'muted'));
  line.push(seg(s.query || '(no query text)', tone));
  return line;
}

/** Cut a long one-line text into rows of `width` characters. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length && width > 0; i += width) out.push(chars.slice(i, i + width).join(''));
  return out;
}

export const postgresPanel: PanelView<'postgres'> = {
  id: 'postgres',
  count: (data, filter) => sessionRows(data, filter).length,
  summary(data, now, verdicts) {
    const line: Line = [];
    for (const e of data.errors ?? []) {
      const mark = markOf(verdicts.of(databaseRef(e)));
      const held = heldOf(data, e.name);
      line.push(seg(`${mark.text} ${e.name} down${held ? ` (stale ${age(now - held.at)})` : ''}  `, mark.tone ?? 'unknown'));
    }
    for (const db of data.databases) {
      const { total, max } = db.connections;
      line.push(seg(`${db.name} `), seg(`${duration(db.rttMs)} `, 'muted'), seg(`${total}/${max}`, connectionTone(db, verdicts)));
      const blocked = blockedTone(db, verdicts);
      if (db.blocked.length > 0) line.push(seg(` ${blocked ? markOf(verdicts.of(databaseRef(db), ['postgres.blocked'])).text : ''}${db.blocked.length} blocked`, blocked ?? 'muted'));
      line.push(seg('  '));
    }
    return line;
  },
  body(data, ctx) {
    // A database that did not answer is the news: one red line each, above the ones that did.
    const out: Line[] = (data.errors ?? []).flatMap((e) => {
      const held = heldOf(data, e.name);
      return held && ctx.height >= 6 ? [errorLine(e.name, e.error, ctx.verdicts), heldLine(held, ctx.now)] : [errorLine(e.name, e.error, ctx.verdicts)];
    });
    if (data.databases.length === 0) return out.length > 0 ? out.slice(0, ctx.height) : [[seg('no databases configured', 'muted')]];
    for (const db of data.databases) {
      out.push(dbLine(db, ctx.verdicts));
      if (ctx.height >= 6) out.push(countsLine(db, ctx.verdicts));
    }
    const rows = sessionRows(data, ctx.filter);
    const room = ctx.height - out.length;
    if (room <= 0) return out.slice(0, ctx.height);
    if (rows.length === 0) {
      out.push([seg(ctx.filter ? `no session matches /${ctx.filter}` : 'no blocked, long or idle-in-transaction sessions', 'muted')]);
      return out.slice(0, ctx.height);
    }
    const selected = Math.min(ctx.selected, rows.length - 1);
    // Full-screen, the selected session's whole query goes below the list.
    const query = ctx.detail ? wrap(oneLine(rows[selected]!.session.query), ctx.width).slice(0, Math.max(0, Math.floor(room / 3))) : [];
    const listRoom = query.length > 0 ? room - query.length - 1 : room;
    const start = selected >= listRoom ? selected - listRoom + 1 : 0;
    const multi = data.databases.length > 1;
    rows.slice(start, start + listRoom).forEach((r, i) => {
      const line = sessionLine(r, multi, ctx.verdicts);
      out.push(ctx.focused && start + i === selected ? highlight(line) : line);
    });
    if (query.length > 0) {
      out.push([seg(`pid ${rows[selected]!.session.pid}, full query:`, 'accent')]);
      out.push(...query.map((q): Line => [seg(q)]));
    }
    return out.slice(0, ctx.height);
  },
};
