/**
 * Keys of the checklist screen, incident mode and the `:env` command, split
 * out of the dispatcher (keys.ts). The work is done by what the context
 * hands in (the live findings, the incident, the environment switcher);
 * here a key becomes a call and its answer becomes the message line.
 */
import type { CommandId, KeyPress } from '../src/keys/registry.js';
import type { TrackedFinding } from '../src/checks/tracker.js';
import type { IncidentStatus } from '../src/incident/index.js';
import type { IncidentReply } from '../src/cli/tuiIncident.js';
import { clockOf } from './incidentLine.js';
import { findingKey, selectedIndex } from './checklist.js';
import type { DispatchContext } from './keys.js';
import type { Entry } from './state.js';

export interface ChecklistKeys {
  /** the findings in the order the screen lists them */
  items(): TrackedFinding[];
  /** starts the finding's suggested fix; a one-line reason when it cannot */
  fix(finding: TrackedFinding): string | undefined;
}

export interface IncidentKeys {
  status(): IncidentStatus | undefined;
  start(title: string): IncidentReply;
  end(): IncidentReply;
  note(text: string): IncidentReply;
  defaultTitle(): string;
}

export interface EnvironmentKeys {
  /** "environments: prod, staging (shown: prod) · :env NAME switches", or why there is nothing to switch to */
  list(): string;
  /** starts the switch; a one-line reason when it cannot (the outcome arrives as a message later) */
  switchTo(name: string): string | undefined;
}

const STEPS: Partial<Record<CommandId, number>> = { 'select-down': 1, 'select-up': -1, 'select-first': -Infinity, 'select-last': Infinity };

/** The checklist's own commands; false when `command` is not one of them. */
export function runChecklistCommand(command: CommandId, ctx: DispatchContext): boolean {
  const list = ctx.checklist;
  if (!list) return false;
  const state = ctx.getState();
  const page = command === 'page-down' ? ctx.pageSize : command === 'page-up' ? -ctx.pageSize : undefined;
  const step = page ?? STEPS[command];
  if (step !== undefined) {
    const items = list.items();
    if (items.length === 0) return true;
    const i = Math.max(0, Math.min(items.length - 1, selectedIndex(items, state.checklistKey) + step));
    ctx.dispatch({ type: 'checklistSelect', key: findingKey(items[i]!.finding) });
    return true;
  }
  if (command === 'checklist-fix') {
    const items = list.items();
    const chosen = items[selectedIndex(items, state.checklistKey)];
    const why = chosen ? list.fix(chosen) : 'the checklist is empty: nothing to fix';
    if (why) ctx.dispatch({ type: 'message', text: why, tone: 'warn' });
    return true;
  }
  return false;
}

function say(ctx: DispatchContext, reply: IncidentReply): void {
  ctx.dispatch({ type: 'message', text: reply.message, tone: reply.ok ? 'ok' : 'warn' });
}

/** i, n and c from anywhere but the text entry. */
export function runModeCommand(command: CommandId, ctx: DispatchContext): boolean {
  switch (command) {
    case 'checklist':
      if (!ctx.checklist) ctx.dispatch({ type: 'message', text: 'the checks do not run in this session', tone: 'warn' });
      else ctx.dispatch({ type: 'checklist' });
      return true;
    case 'incident': {
      const inc = ctx.incident;
      if (!inc) {
        ctx.dispatch({ type: 'message', text: 'incident mode is not available in this session', tone: 'warn' });
        return true;
      }
      ctx.dispatch({ type: 'startEntry', kind: inc.status() ? 'end-incident' : 'incident-title' });
      return true;
    }
    case 'incident-note': {
      const inc = ctx.incident;
      if (!inc?.status()) ctx.dispatch({ type: 'message', text: 'no incident is open: i starts one (notes go to its timeline)', tone: 'warn' });
      else ctx.dispatch({ type: 'startEntry', kind: 'note' });
      return true;
    }
    default:
      return false;
  }
}

/** Enter on an incident title or a note. */
export function finishEntry(entry: Entry, ctx: DispatchContext): void {
  const inc = ctx.incident;
  if (!inc) return;
  if (entry.kind === 'incident-title') say(ctx, inc.start(entry.text));
  else if (entry.kind === 'note') say(ctx, inc.note(entry.text));
}

/** The y/N question before an incident ends: y ends it, any other key keeps it open. */
export function endIncidentKey(press: KeyPress, ctx: DispatchContext): void {
  ctx.dispatch({ type: 'endEntry', keep: false });
  const inc = ctx.incident;
  if (!inc) return;
  if (press.input === 'y' || press.input === 'Y') return say(ctx, inc.end());
  ctx.dispatch({ type: 'message', text: 'the incident stays open', tone: 'muted' });
}

/** Which incident the y/N would end: ""api down", open 07:42" */
export function endQuestion(status: IncidentStatus | undefined): string {
  return status ? `"${status.title}", open ${clockOf(status.elapsedMs)}` : '';
}

/** `:note TEXT`, or the note prompt for `:note` alone. */
export function runNoteCommand(text: string, ctx: DispatchContext): void {
  if (!ctx.incident?.status()) return ctx.dispatch({ type: 'message', text: 'no incident is open: i starts one (notes go to its timeline)', tone: 'warn' });
  if (!text) return ctx.dispatch({ type: 'startEntry', kind: 'note' });
  say(ctx, ctx.incident.note(text));
}

export function runEnvCommand(name: string | undefined, ctx: DispatchContext): void {
  const envs = ctx.environments;
  if (!envs) return ctx.dispatch({ type: 'message', text: 'this session cannot switch environments', tone: 'warn' });
  if (name === undefined) return ctx.dispatch({ type: 'message', text: envs.list(), tone: 'text' });
  const why = envs.switchTo(name);
  if (why) ctx.dispatch({ type: 'message', text: why, tone: 'warn' });
}
