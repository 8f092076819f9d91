/**
 * Every key binding lives here, once, with its help text and a `dangerous`
 * flag. The help overlay and the hint bar are generated from this table, and
 * read-only mode strips dangerous bindings in one place (`activeBindings`).
 * This module is plain data: the views translate Ink's key events into a
 * `KeyPress` and ask `resolveKey` which command to run.
 */
import type { PanelId } from '../model/panels.js';

/** The subset of a key event we match on; the views fill it from Ink's useInput. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
}

type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export interface KeySpec {
  /** a printable character, e.g. "q" or "?" */
  input?: string;
  key?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

/** Where a binding applies. `global` works everywhere except while typing. */
/** `plan`: the confirmation box while it shows a plan (not `global`: typing the phrase has the letters). */
/** `fleet`: every environment's verdict (F, :fleet). */
/** `approvals`: the approval requests of the environment waiting for another operator (V, :approvals), a request's plan open. */
/** `jobs`: the failed-job browser of a queue (its list, or a job's detail); `runbooks`: the runbook screen (B). */
export type KeyScope = 'global' | 'dashboard' | 'detail' | 'checklist' | 'help' | 'plan' | 'jobs' | 'runbooks' | 'fleet' | 'approvals';

export type CommandId =
  | 'quit'
  | 'help'
  | 'focus-next'
  | 'focus-prev'
  | 'focus-panel'
  | 'open'
  | 'back'
  | 'select-down'
  | 'select-up'
  | 'page-down'
  | 'page-up'
  | 'select-first'
  | 'select-last'
  | 'filter'
  | 'command-line'
  | 'refresh'
  | 'show-action'
  | 'checklist'
  | 'checklist-fix'
  | 'checklist-fold'
  | 'next-problem'
  | 'runbooks'
  | 'runbook-run'
  | 'incident'
  | 'incident-note'
  | 'log-errors'
  | 'log-context'
  | 'log-wrap'
  | 'log-top'
  | 'log-save'
  | 'log-saved-filter'
  | 'scale'
  | 'rollback'
  | 'redeploy'
  | 'autoscaling'
  | 'set-env'
  | 'stop-task'
  | 'rds-snapshot'
  | 'rds-restore'
  | 'rds-pitr'
  | 'rds-drill'
  | 'requeue'
  | 'pg-cancel'
  | 'pg-terminate'
  | 'queue-jobs'
  | 'fleet'
  | 'fleet-open'
  | 'approvals'
  | 'approval-open'
  | 'approval-approve'
  | 'approval-reject'
  | 'job-open'
  | 'job-mark'
  | 'job-requeue'
  | 'job-delete'
  | 'queue-pause'
  | 'plan-down'
  | 'plan-up'
  | 'plan-page-down'
  | 'plan-page-up'
  | 'plan-top'
  | 'plan-bottom';

export interface KeyBinding {
  command: CommandId;
  /** how the keys are written in help, e.g. "j ↓" */
  label: string;
  keys: KeySpec[];
  /** one line for the help overlay */
  help: string;
  /** a word or two for the hint bar; omitted: not in the hint bar */
  hint?: string;
  scopes: KeyScope[];
  /** only while one of these panels is the active one (focused on the dashboard, or open); omitted: any panel */
  panels?: readonly PanelId[];
  /** changes the world (scale, roll back, restore, requeue): hidden and refused in read-only mode */
  dangerous: boolean;
}

const DIGITS: KeySpec[] = ['1', '2', '3', '4', '5', '6', '7'].map((d) => ({ input: d }));

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { command: 'quit', label: 'q ctrl+c', keys: [{ input: 'q' }, { input: 'c', ctrl: true }], help: 'Quit opsdeck and restore the terminal', hint: 'quit', scopes: ['global'], dangerous: false },
  { command: 'help', label: '?', keys: [{ input: '?' }], help: 'Show or hide this help', hint: 'help', scopes: ['global', 'help'], dangerous: false },
  { command: 'next-problem', label: '!', keys: [{ input: '!' }], help: 'Next problem, worst first (critical, unknown, warning): its panel and its row; wraps around', hint: 'next problem', scopes: ['dashboard', 'detail', 'checklist'], dangerous: false },
  { command: 'focus-next', label: 'tab', keys: [{ key: 'tab' }], help: 'Focus the next panel', hint: 'next panel', scopes: ['dashboard'], dangerous: false },
  { command: 'focus-prev', label: 'shift+tab', keys: [{ key: 'tab', shift: true }], help: 'Focus the previous panel', scopes: ['dashboard'], dangerous: false },
  { command: 'focus-panel', label: '1-7', keys: DIGITS, help: 'Focus panel 1 to 7 (ECS, RDS, Logs, Queues, Postgres, Health, Metrics)', scopes: ['dashboard', 'detail'], dangerous: false },
  { command: 'open', label: 'enter', keys: [{ key: 'return' }], help: 'Open the focused panel full-screen', hint: 'open', scopes: ['dashboard'], dangerous: false },
  { command: 'back', label: 'esc', keys: [{ key: 'escape' }], help: 'Go back: close the panel, the checklist, the runbooks, the approvals, the help or the filter', hint: 'back', scopes: ['detail', 'checklist', 'help', 'runbooks', 'jobs', 'fleet', 'approvals'], dangerous: false },
  { command: 'select-down', label: 'j ↓', keys: [{ input: 'j' }, { key: 'downArrow' }], help: 'Move the selection down (scrolls this help; in the log tail, scrolls down)', hint: 'move', scopes: ['dashboard', 'detail', 'checklist', 'help', 'runbooks', 'jobs', 'fleet', 'approvals'], dangerous: false },
  { command: 'select-up', label: 'k ↑', keys: [{ input: 'k' }, { key: 'upArrow' }], help: 'Move the selection up (in the log tail: scroll back, which pauses it; new lines are counted)', scopes: ['dashboard', 'detail', 'checklist', 'help', 'runbooks', 'jobs', 'fleet', 'approvals'], dangerous: false },
  { command: 'page-down', label: 'pgdn ctrl+d', keys: [{ key: 'pageDown' }, { input: 'd', ctrl: true }], help: 'Move the selection a page down', scopes: ['detail', 'checklist', 'help', 'jobs'], dangerous: false },
  { command: 'page-up', label: 'pgup ctrl+u', keys: [{ key: 'pageUp' }, { input: 'u', ctrl: true }], help: 'Move the selection a page up (in the log tail: pauses it)', scopes: ['detail', 'checklist', 'help', 'jobs'], dangerous: false },
  { command: 'select-first', label: 'g home', keys: [{ input: 'g' }, { key: 'home' }], help: 'Jump to the first row (in the log tail: the oldest line held, paused)', scopes: ['dashboard', 'detail', 'checklist', 'help', 'runbooks', 'jobs', 'fleet', 'approvals'], dangerous: false },
  { command: 'select-last', label: 'G end', keys: [{ input: 'G' }, { key: 'end' }], help: 'Jump to the last row (in the log tail: follow the newest lines again)', scopes: ['dashboard', 'detail', 'checklist', 'help', 'runbooks', 'jobs', 'fleet', 'approvals'], dangerous: false },
  { command: 'filter', label: '/', keys: [{ input: '/' }], help: 'Filter the focused panel (Enter keeps it, Esc clears it); logs: text, /regex/i, !text hides', hint: 'filter', scopes: ['dashboard', 'detail'], dangerous: false },
  { command: 'command-line', label: ':', keys: [{ input: ':' }], help: 'Command line (:q, :help, :refresh, :1-7, :checklist, :runbook [NAME], :note TEXT, :env [NAME])', hint: 'cmd', scopes: ['dashboard', 'detail', 'checklist', 'runbooks'], dangerous: false },
  { command: 'refresh', label: 'r', keys: [{ input: 'r' }], help: 'Refresh the focused panel now', hint: 'refresh', scopes: ['dashboard', 'detail', 'jobs', 'fleet'], dangerous: false },
  { command: 'show-action', label: 'a', keys: [{ input: 'a' }], help: 'Show the running action again (Esc puts it away while it runs; it carries on)', scopes: ['dashboard', 'detail', 'runbooks'], dangerous: false },
  { command: 'checklist', label: 'c', keys: [{ input: 'c' }], help: 'The checklist: every finding worst first, its figure and fix; the ok ones folded in one line', hint: 'checklist', scopes: ['dashboard', 'detail', 'checklist'], dangerous: false },
  { command: 'checklist-fix', label: 'enter', keys: [{ key: 'return' }], help: 'In the checklist: plan the selected finding\'s fix (scale, roll back, requeue…)', hint: 'fix', scopes: ['checklist'], dangerous: true },
  // after checklist-fix: Enter reaches it only where read-only mode took the fix away
  { command: 'checklist-fold', label: 'space', keys: [{ input: ' ' }, { key: 'return' }], help: 'In the checklist: open or fold the ok rows (enter too, on their line)', scopes: ['checklist'], dangerous: false },
  { command: 'fleet', label: 'F', keys: [{ input: 'F' }], help: 'The fleet: each environment\'s verdict and first problems, checked in the background; Enter opens one', hint: 'fleet', scopes: ['dashboard', 'detail', 'checklist'], dangerous: false },
  { command: 'fleet-open', label: 'enter', keys: [{ key: 'return' }], help: 'In the fleet: open the selected environment (as :env NAME)', hint: 'open', scopes: ['fleet'], dangerous: false },
  { command: 'approvals', label: 'V', keys: [{ input: 'V' }], help: 'The approvals (:approvals): requests waiting for another operator (two-person rule)', hint: 'approvals', scopes: ['dashboard', 'detail', 'checklist'], dangerous: false },
  { command: 'approval-open', label: 'enter', keys: [{ key: 'return' }], help: 'In the approvals: read the selected request\'s plan, as its requester confirmed it', hint: 'plan', scopes: ['approvals'], dangerous: false },
  // approving lets another operator's destructive action run: read-only mode takes it away
  { command: 'approval-approve', label: 'Y', keys: [{ input: 'Y' }], help: 'In the approvals: approve the request shown (type its id, as opsdeck approve ID)', hint: 'approve', scopes: ['approvals'], dangerous: true },
  { command: 'approval-reject', label: 'N', keys: [{ input: 'N' }], help: 'In the approvals: reject the request shown (type its id, as opsdeck reject ID)', hint: 'reject', scopes: ['approvals'], dangerous: false },
  { command: 'runbooks', label: 'B', keys: [{ input: 'B' }], help: 'The runbooks: which apply now (their first check holds), stopped runs to resume, runs step by step', hint: 'runbooks', scopes: ['dashboard', 'detail', 'checklist'], dangerous: false },
  { command: 'runbook-run', label: 'enter', keys: [{ key: 'return' }], help: 'In the runbooks: plan the selected runbook (or the rest of a stopped run), type its one phrase', hint: 'plan & run', scopes: ['runbooks'], dangerous: true },
  { command: 'incident', label: 'i', keys: [{ input: 'i' }], help: 'Start an incident (Enter alone: "Incident in <env>"), or end the open one and write its review', hint: 'incident', scopes: ['dashboard', 'detail', 'checklist', 'runbooks'], dangerous: false },
  { command: 'incident-note', label: 'n', keys: [{ input: 'n' }], help: 'Add a note to the open incident\'s timeline', hint: 'note', scopes: ['dashboard', 'detail', 'checklist', 'runbooks'], dangerous: false },
  { command: 'log-errors', label: 'e', keys: [{ input: 'e' }], help: 'Show only error lines (again: every line)', hint: 'errors', scopes: ['dashboard', 'detail'], panels: ['logs'], dangerous: false },
  { command: 'log-context', label: 'C', keys: [{ input: 'C' }], help: 'Show 3 lines of context around each line the filter or e keeps (… marks what is left out)', hint: 'context', scopes: ['dashboard', 'detail'], panels: ['logs'], dangerous: false },
  { command: 'log-wrap', label: 'w', keys: [{ input: 'w' }], help: 'Wrap long log lines instead of cutting them', hint: 'wrap', scopes: ['dashboard', 'detail'], panels: ['logs'], dangerous: false },
  { command: 'log-top', label: 't', keys: [{ input: 't' }], help: 'Show or hide the top errors: error lines grouped by message, newest first (beside at 160+ cols)', hint: 'top', scopes: ['detail'], panels: ['logs'], dangerous: false },
  { command: 'log-saved-filter', label: 'f', keys: [{ input: 'f' }], help: 'Apply the next saved filter of the config (logs[].filters), then none again', hint: 'saved filter', scopes: ['dashboard', 'detail'], panels: ['logs'], dangerous: false },
  { command: 'log-save', label: 'S', keys: [{ input: 'S' }], help: 'Save the lines the log view keeps to opsdeck-logs-<UTC time>.log (current dir, else state dir)', hint: 'save', scopes: ['dashboard', 'detail'], panels: ['logs'], dangerous: false },
  // Each asks for what it needs, shows the plan (before → after, the exact API calls) and waits for a typed confirmation.
  { command: 'scale', label: 's', keys: [{ input: 's' }], help: 'Scale the selected service: type the desired count, read the plan, confirm', hint: 'scale', scopes: ['dashboard', 'detail'], panels: ['ecs'], dangerous: true },
  { command: 'rollback', label: 'b', keys: [{ input: 'b' }], help: 'Roll the selected service back to the previous task definition revision (or one you type)', hint: 'roll back', scopes: ['dashboard', 'detail'], panels: ['ecs'], dangerous: true },
  { command: 'redeploy', label: 'd', keys: [{ input: 'd' }], help: 'Force a new deployment of the selected service (same revision, fresh tasks)', hint: 'redeploy', scopes: ['dashboard', 'detail'], panels: ['ecs'], dangerous: true },
  { command: 'autoscaling', label: 'A', keys: [{ input: 'A' }], help: 'Suspend the selected service\'s autoscaling (so a scale to 0 stays at 0), or resume it when suspended', hint: 'autoscaling', scopes: ['dashboard', 'detail'], panels: ['ecs'], dangerous: true },
  { command: 'set-env', label: 'E', keys: [{ input: 'E' }], help: 'Change the selected service\'s environment variables (NAME=VALUE … -NAME): a new revision, deployed', hint: 'set env', scopes: ['dashboard', 'detail'], panels: ['ecs'], dangerous: true },
  { command: 'stop-task', label: 'x', keys: [{ input: 'x' }], help: 'Stop a task of the selected service (its number in the Tasks list); ECS replaces it', hint: 'stop task', scopes: ['dashboard', 'detail'], panels: ['ecs'], dangerous: true },
  { command: 'rds-snapshot', label: 'm', keys: [{ input: 'm' }], help: 'Manual snapshot of the selected instance, y/n (a snapshot row: its instance)', hint: 'snapshot', scopes: ['dashboard', 'detail'], panels: ['rds'], dangerous: true },
  { command: 'rds-restore', label: 'R', keys: [{ input: 'R' }], help: 'Restore the selected snapshot to a NEW instance: name it, read the plan, confirm', hint: 'restore', scopes: ['dashboard', 'detail'], panels: ['rds'], dangerous: true },
  { command: 'rds-pitr', label: 'P', keys: [{ input: 'P' }], help: 'Point-in-time restore of the selected instance to a NEW one: type a UTC time or latest, confirm', hint: 'pitr', scopes: ['dashboard', 'detail'], panels: ['rds'], dangerous: true },
  { command: 'rds-drill', label: 'D', keys: [{ input: 'D' }], help: 'Backup drill of the selected instance: restore a snapshot to a throwaway one, verify it, delete it', hint: 'drill', scopes: ['dashboard', 'detail'], panels: ['rds'], dangerous: true },
  { command: 'queue-jobs', label: 'J', keys: [{ input: 'J' }], help: 'Failed (dead) jobs of the selected queue, newest first: Enter shows one, Q requeues, X deletes', hint: 'failed jobs', scopes: ['dashboard', 'detail'], panels: ['queues'], dangerous: false },
  { command: 'job-open', label: 'enter', keys: [{ key: 'return' }], help: 'In the failed jobs: show the selected job (payload, reason, stack, attempts, times)', hint: 'show', scopes: ['jobs'], dangerous: false },
  { command: 'job-mark', label: 'space', keys: [{ input: ' ' }], help: 'In the failed jobs: mark or unmark the selected job; Q and X then act on the marked ones', hint: 'mark', scopes: ['jobs'], dangerous: false },
  { command: 'job-requeue', label: 'Q', keys: [{ input: 'Q' }], help: 'In the failed jobs: requeue the marked jobs, else the one selected or shown', hint: 'requeue', scopes: ['jobs'], dangerous: true },
  { command: 'job-delete', label: 'X', keys: [{ input: 'X' }], help: 'In the failed jobs: delete the marked jobs, else the one selected or shown (no undo)', hint: 'delete', scopes: ['jobs'], dangerous: true },
  { command: 'queue-pause', label: 'P', keys: [{ input: 'P' }], help: 'Pause the selected BullMQ queue (workers take no new job), or resume it; RQ and Sidekiq have none', hint: 'pause', scopes: ['dashboard', 'detail', 'jobs'], panels: ['queues'], dangerous: true },
  { command: 'requeue', label: 'Q', keys: [{ input: 'Q' }], help: 'Requeue the selected queue\'s failed (dead) jobs: exactly those the plan lists', hint: 'requeue dead', scopes: ['dashboard', 'detail'], panels: ['queues'], dangerous: true },
  { command: 'pg-cancel', label: 'K', keys: [{ input: 'K' }], help: 'Cancel the selected session\'s running query (through postgres[].admin)', hint: 'cancel query', scopes: ['dashboard', 'detail'], panels: ['postgres'], dangerous: true },
  { command: 'pg-terminate', label: 'T', keys: [{ input: 'T' }], help: 'Terminate the selected session: its transaction rolls back, its locks go', hint: 'terminate', scopes: ['dashboard', 'detail'], panels: ['postgres'], dangerous: true },
  // The plan in the confirmation box scrolls; j and k only in a y/N box, where no phrase is typed (a phrase may start with j).
  { command: 'plan-down', label: '↓ j', keys: [{ key: 'downArrow' }, { input: 'j' }], help: 'In the confirmation box: scroll the plan down a line (j only in a y/N box: a typed phrase keeps its letters)', hint: 'scroll', scopes: ['plan'], dangerous: false },
  { command: 'plan-up', label: '↑ k', keys: [{ key: 'upArrow' }, { input: 'k' }], help: 'In the confirmation box: scroll the plan up a line (k only in a y/N box)', scopes: ['plan'], dangerous: false },
  { command: 'plan-page-down', label: 'pgdn', keys: [{ key: 'pageDown' }], help: 'In the confirmation box: scroll the plan down a page', scopes: ['plan'], dangerous: false },
  { command: 'plan-page-up', label: 'pgup', keys: [{ key: 'pageUp' }], help: 'In the confirmation box: scroll the plan up a page', scopes: ['plan'], dangerous: false },
  { command: 'plan-top', label: 'home', keys: [{ key: 'home' }], help: 'In the confirmation box: the top of the plan', scopes: ['plan'], dangerous: false },
  { command: 'plan-bottom', label: 'end', keys: [{ key: 'end' }], help: 'In the confirmation box: the end of the plan', scopes: ['plan'], dangerous: false },
];

/** The bindings in force: read-only mode strips the dangerous ones here and nowhere else. */
export function activeBindings(opts: { readOnly: boolean }, table: readonly KeyBinding[] = KEY_BINDINGS): KeyBinding[] {
  return table.filter((b) => !(opts.readOnly && b.dangerous));
}

function matches(spec: KeySpec, press: KeyPress): boolean {
  if (spec.key !== undefined) {
    if (!press[spec.key]) return false;
    // Ink reports shift+tab as tab with shift; plain tab must not match shift+tab.
    if (spec.key === 'tab' && Boolean(spec.shift) !== Boolean(press.shift)) return false;
    return Boolean(spec.ctrl) === Boolean(press.ctrl);
  }
  if (spec.input === undefined) return false;
  if (Boolean(spec.ctrl) !== Boolean(press.ctrl)) return false;
  return press.input === spec.input;
}

/** Whether a binding works in a scope with `panel` active; a binding tied to panels needs one of them. */
function appliesTo(b: KeyBinding, scope: KeyScope, panel?: PanelId): boolean {
  if (!b.scopes.includes(scope) && !b.scopes.includes('global')) return false;
  return b.panels === undefined || (panel !== undefined && b.panels.includes(panel));
}

/**
 * The binding for a key press in a scope (with `panel` active), global
 * bindings included. A panel's own key wins over a general one; the table
 * gives every key one meaning wherever it works, so this only matters for
 * a table of a test's own. Two bindings may share a key in one scope only
 * when the later is what the key falls back to where read-only mode took
 * the first away (Enter in the checklist).
 */
export function resolveKey(press: KeyPress, scope: KeyScope, bindings: readonly KeyBinding[], panel?: PanelId): KeyBinding | undefined {
  const hits = bindings.filter((b) => appliesTo(b, scope, panel) && b.keys.some((k) => matches(k, press)));
  return hits.find((b) => b.panels !== undefined) ?? hits[0];
}

/** The key press a spec describes, to ask what it would resolve to. */
function pressOf(spec: KeySpec): KeyPress {
  return { input: spec.input ?? '', ...(spec.key ? { [spec.key]: true } : {}), ...(spec.ctrl ? { ctrl: true } : {}), ...(spec.shift ? { shift: true } : {}) };
}

/** Bindings for the hint bar of a scope (with `panel` active), in table order; one a panel's own key shadows is left out. */
export function hintsFor(scope: KeyScope, bindings: readonly KeyBinding[], panel?: PanelId): KeyBinding[] {
  return bindings.filter((b) => b.hint !== undefined && appliesTo(b, scope, panel) && b.keys.some((k) => resolveKey(pressOf(k), scope, bindings, panel) === b));
}
