/**
 * The approvals screen (V, `:approvals`): the environment's requests waiting
 * for another operator, one row each (id, requester, action, target, tier,
 * age, expiry), or one request's plan exactly as `opsdeck approve ID` prints
 * it; under it the typed confirmation and the last decision's answer. It
 * draws what the approvals feed (src/dashboard/approvalsFeed.ts) holds.
 */
import type { ApprovalRow, ApprovalsView } from '../src/dashboard/ports.js';
import type { Line } from './text.js';
import { fit, fitLine, highlight, seg, windowStart } from './text.js';
import { age } from './format.js';
import { wrapText } from './actionOverlay.js';
import type { ApprovalsState } from './state.js';

interface Opts {
  env: string;
  width: number;
  height: number;
  /** approving is in force here (read-only mode takes it away) */
  canApprove: boolean;
}

const blank = (w: number) => fitLine([], w);
/** where a plan line's value starts ("note     "): its wrapped rows continue there */
const INDENT = ' '.repeat(9);

/** The request the keys act on: the one open, else the one selected. */
export function approvalTarget(view: ApprovalsView, s: ApprovalsState): ApprovalRow | undefined {
  return s.open !== null ? view.rows.find((r) => r.id === s.open) : view.rows[s.selected];
}

function statusLines(view: ApprovalsView, s: ApprovalsState, target: ApprovalRow | undefined, width: number): Line[] {
  const out: Line[] = [];
  if (s.ask && target) {
    const verb = s.ask.verdict === 'approved' ? 'approve' : 'reject';
    out.push(fitLine([seg(`Type ${target.id} to ${verb} it `, 'warn', { bold: true }), seg('(Enter alone cancels): ', 'muted'), seg(s.ask.text), seg(' ', 'text', { inverse: true })], width));
  } else if (view.deciding) out.push(fitLine([seg(` ${view.deciding}`, 'muted')], width));
  else if (view.result) {
    const tone = view.result.ok ? 'ok' : 'warn';
    for (const row of wrapText(view.result.message, width - 1).slice(0, 2)) out.push(fitLine([seg(` ${row}`, tone, { bold: !view.result.ok })], width));
  }
  if (view.error) out.push(fitLine([seg(` ${view.error}`, 'warn')], width));
  return out;
}

function hint(opts: Opts, planOpen: boolean): string {
  const decide = opts.canApprove ? 'Y approve · N reject' : 'N reject (read-only: no approving)';
  return planOpen ? ` ${decide} · j/k scroll · esc the list` : ` enter reads the plan · ${decide} · esc back`;
}

function listRows(view: ApprovalsView, s: ApprovalsState, opts: Opts, room: number): Line[] {
  if (view.rows.length === 0) return [fitLine([seg(!view.read ? ' reading the team store…' : ` no approval request waits in ${opts.env}`, 'muted')], opts.width)];
  const requester = (r: ApprovalRow) => (r.refusal ? `yours · ${r.requester}` : r.requester);
  const who = Math.min(30, Math.max(9, ...view.rows.map((r) => requester(r).length)));
  const what = Math.min(14, Math.max(6, ...view.rows.map((r) => r.action.length)));
  const head = fitLine([seg(`  ${fit('ID', 7)} ${fit('REQUESTER', who)} ${fit('ACTION', what)} ${fit('TIER', 11)} ${fit('AGE', 5)} ${fit('EXPIRES', 8)} TARGET`, 'muted', { bold: true })], opts.width);
  const first = windowStart(view.rows.length, s.selected, room - 1);
  const rows = view.rows.slice(first, first + room - 1).map((r, i) => {
    const line = fitLine(
      [
        seg(`  ${fit(r.id, 7)} `, 'accent', { bold: true }),
        seg(`${fit(requester(r), who)} `, r.refusal ? 'muted' : 'text'),
        seg(`${fit(r.action, what)} `),
        seg(`${fit(r.tier, 11)} `, r.tier === 'destructive' ? 'crit' : 'warn'),
        seg(`${fit(age(r.ageMs), 5)} `, 'muted'),
        seg(`${fit(r.expiresInMs > 0 ? `in ${age(r.expiresInMs)}` : 'expired', 8)} `, 'muted'),
        seg(r.target),
      ],
      opts.width,
    );
    return first + i === s.selected ? highlight(line) : line;
  });
  return [head, ...rows];
}

function planLineRows(line: string, width: number): string[] {
  const rows = wrapText(line, width);
  if (rows.length <= 1) return rows;
  const first = rows[0]!;
  const rest = line.startsWith(first) ? line.slice(first.length).trim() : rows.slice(1).join(' ');
  return [first, ...wrapText(rest, width - INDENT.length).map((r) => INDENT + r)];
}

/** The plan's rows as shown, and how far they scroll at this height. */
function planRows(row: ApprovalRow, s: ApprovalsState, width: number, room: number): { lines: Line[]; maxScroll: number } {
  // every word of the plan is read: long lines wrap under their label, never cut
  const all = row.lines.flatMap((l, i) =>
    planLineRows(l, width).map((r) => fitLine([seg(r, 'text', i === 0 ? { bold: true } : undefined)], width)),
  );
  if (row.refusal) all.push(fitLine([seg(`  ${row.refusal}`, 'warn')], width));
  const maxScroll = Math.max(0, all.length - room);
  const top = Math.min(s.scroll, maxScroll);
  return { lines: all.slice(top, top + room), maxScroll };
}

export function approvalsScreen(view: ApprovalsView, s: ApprovalsState, opts: Opts): { lines: Line[]; maxScroll: number } {
  const { width, height } = opts;
  const title = fitLine([seg(' Approvals', 'accent', { bold: true }), seg(` · ${opts.env} · ${view.unavailable ? 'two-person rule off' : `${view.rows.length} pending`}`, 'muted')], width);
  if (view.unavailable) return { lines: [title, blank(width), fitLine([seg(` ${view.unavailable}`, 'warn')], width), ...Array.from({ length: Math.max(0, height - 4) }, () => blank(width)), fitLine([seg(' esc back', 'muted')], width)].slice(0, height), maxScroll: 0 };
  const open = s.open !== null ? view.rows.find((r) => r.id === s.open) : undefined;
  const target = approvalTarget(view, s);
  const status = statusLines(view, s, target, width);
  const room = Math.max(1, height - 3 - status.length);
  let body: Line[];
  let maxScroll = 0;
  if (s.open !== null && !open) body = [fitLine([seg(` request ${s.open} no longer waits: decided, used or expired (esc: the list)`, 'muted')], width)];
  else if (open) ({ lines: body, maxScroll } = planRows(open, s, width, room));
  else body = listRows(view, s, opts, room);
  const pad = Array.from({ length: Math.max(0, room - body.length) }, () => blank(width));
  return { lines: [title, blank(width), ...body, ...pad, ...status, fitLine([seg(hint(opts, open !== undefined), 'muted')], width)].slice(0, height), maxScroll };
}
