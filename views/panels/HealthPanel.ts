/** HTTP health probes: up, fast enough, and which version is deployed. */
import { certDaysLeft, probeAspectRef, probeRefs, type ProbeResult } from '../../src/model/health.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { SEVERITY_RANK } from '../../src/model/findings.js';
import type { Level } from '../theme.js';
import { markOf, problemTone } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, layoutColumns, matchesFilter, seg, tableHeader, tableRow, windowStart } from '../text.js';
import { age, duration } from '../format.js';
import type { PanelView } from './types.js';

/** The worst verdict on the probe: its answer and latency, its certificate, its graded JSON numbers. */
export function probeLevel(p: ProbeResult, verdicts: Verdicts): Level | undefined {
  let out: Level | undefined;
  for (const ref of probeRefs(p)) {
    const v = verdicts.of(ref);
    if (v !== undefined && (out === undefined || SEVERITY_RANK[v] > SEVERITY_RANK[out])) out = v;
  }
  return out;
}

/** "2d Let's Encrypt R3": days left and who issued it; the tone is the certificate check's. */
function certText(p: ProbeResult, now: number, detail: boolean): string {
  if (!p.tls) return '-';
  const days = p.tls.validTo <= now ? 'expired' : `${certDaysLeft(p.tls, now)}d`;
  const until = detail ? ` to ${new Date(p.tls.validTo).toISOString().slice(0, 10)}` : '';
  return `${days} ${p.tls.issuer}${until}`;
}

/** The certificate check's verdict, when it found something: undefined when ok or not judged. */
function certLevel(p: ProbeResult, verdicts: Verdicts): Level | undefined {
  const v = p.tls ? verdicts.of(probeAspectRef(p, 'tls')) : undefined;
  return v === 'ok' ? undefined : v;
}

/** "dlq 150 · depth 40": the JSON numbers the checks grade. */
function measuresText(p: ProbeResult): string {
  return (p.measures ?? []).map((m) => `${m.field} ${m.value}`).join(' · ');
}

export function filterProbes(probes: readonly ProbeResult[], filter: string): ProbeResult[] {
  return probes.filter((p) => matchesFilter(filter, p.name, p.url, ...Object.values(p.fields), ...p.problems, p.tls?.issuer ?? ''));
}

const COLUMNS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'probe', width: 10 },
  { header: 'code', width: 4, align: 'right' },
  { header: 'latency', width: 7, align: 'right' },
  { header: 'version', width: 12, drop: 2 },
  { header: 'status', width: 10, drop: 1 },
  { header: 'cert', width: 22, drop: 1.5 },
  { header: 'checked', width: 7, align: 'right', drop: 0 },
  { header: 'problems', width: 12, flex: true },
];

const DETAIL_EXTRA: Column = { header: 'url', width: 30, drop: 3 };

function version(p: Pick<ProbeResult, 'fields'>): string {
  return p.fields['version'] ?? p.fields['app_version'] ?? '-';
}

/** The graded numbers, a failing probe's problems, then its last good answer and how old it is. */
function problemsText(p: ProbeResult, now: number, certNote: string): string {
  const text = [certNote, measuresText(p), ...p.problems].filter(Boolean).join('; ');
  if (p.ok || !p.lastOk) return text;
  const last = p.lastOk;
  return `${text} · last ok ${age(now - last.at)} ago: ${last.status ?? '-'} ${duration(last.latencyMs)}${version(last) === '-' ? '' : ` ${version(last)}`}`;
}

export const healthPanel: PanelView<'health'> = {
  id: 'health',
  count: (data, filter) => filterProbes(data.probes, filter).length,
  summary(data, _now, verdicts) {
    const line: Line = [];
    for (const p of data.probes) {
      const mark = markOf(probeLevel(p, verdicts));
      line.push(seg(`${mark.text} `, mark.tone), seg(`${p.name} `), seg(`${p.status ?? '-'} ${duration(p.latencyMs)}  `, problemTone(probeLevel(p, verdicts)) ?? 'muted'));
    }
    return line;
  },
  body(data, ctx) {
    const probes = filterProbes(data.probes, ctx.filter);
    const all = ctx.detail ? [...COLUMNS.slice(0, 2), DETAIL_EXTRA, ...COLUMNS.slice(2)] : COLUMNS;
    // no https probe, no certificate column: its room goes to the problems
    // the detail view adds the expiry date to the cert cell
    const base = probes.some((p) => p.tls) ? all.map((c) => (c.header === 'cert' && ctx.detail ? { ...c, width: 35 } : c)) : all.filter((c) => c.header !== 'cert');
    const cols = layoutColumns(base, ctx.width);
    const hasCertColumn = cols.some((c) => c.header === 'cert');
    const out: Line[] = [tableHeader(cols)];
    if (probes.length === 0) {
      out.push([seg(ctx.filter ? `no probe matches /${ctx.filter}` : 'no probes configured', 'muted')]);
      return out;
    }
    const room = ctx.height - 1;
    const selected = Math.min(ctx.selected, probes.length - 1);
    const start = windowStart(probes.length, selected, room);
    probes.slice(start, start + room).forEach((p, i) => {
      const level = probeLevel(p, ctx.verdicts);
      // one check judges a probe: a failed answer colours what failed, a slow one its latency
      const tone = problemTone(level);
      const row = tableRow(cols, {
        mark: markOf(level),
        probe: p.name,
        url: p.url,
        code: { text: p.status === null ? '-' : String(p.status), tone: p.ok ? undefined : tone },
        latency: { text: duration(p.latencyMs), tone: p.ok ? tone : undefined },
        // a failing probe's version is its last good answer's, muted
        version: version(p) === '-' && p.lastOk ? { text: version(p.lastOk), tone: 'muted' } : version(p),
        status: { text: p.fields['status'] ?? '-', tone: p.ok ? undefined : tone },
        cert: { text: certText(p, ctx.now, ctx.detail), tone: problemTone(certLevel(p, ctx.verdicts)) },
        checked: `${age(ctx.now - p.checkedAt)} ago`,
        // a narrow panel drops the cert column: a certificate the checks flagged still says so
        problems: { text: problemsText(p, ctx.now, !hasCertColumn && p.tls && certLevel(p, ctx.verdicts) ? `cert ${certText(p, ctx.now, false)}` : ''), tone },
      });
      out.push(ctx.focused && start + i === selected ? highlight(row) : row);
    });
    return out.slice(0, ctx.height);
  },
};
