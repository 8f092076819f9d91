/**
 * The bottom row's prompts: the filter, the `:` command line, an incident's
 * title, a note, and the y/N before an incident ends. Every key goes through
 * the one line editor (src/keys/lineEditor.ts); Enter hands the text to what
 * the prompt was for. The command line's commands run through the same
 * handlers as their keys.
 */
import { editLine, type KeyPress } from '../src/dashboard/keys.js';
import type { IncidentStatus } from '../src/dashboard/ports.js';
import { clockOf } from './incidentLine.js';
import { parseCommand, unknownCommandMessage } from './commands.js';
import type { DispatchContext } from './dispatchContext.js';
import { say } from './dispatchContext.js';
import { HANDLERS } from './commandHandlers.js';
import { requestQuit } from './quit.js';
import { runbookCommand } from './runbookKeys.js';
import type { Entry } from './state.js';

/** A key while a prompt is open (ctrl+c has already been taken as quit). */
export function promptKey(press: KeyPress, ctx: DispatchContext): void {
  const entry = ctx.getState().entry;
  if (!entry) return;
  if (entry.kind === 'end-incident') return endIncidentKey(press, ctx);
  const edit = editLine(entry.text, press);
  if (edit.kind === 'cancel') return ctx.dispatch({ type: 'endEntry', keep: false });
  if (edit.kind === 'submit') {
    ctx.dispatch({ type: 'endEntry', keep: true });
    return finishEntry(entry, ctx);
  }
  if (edit.text !== entry.text) ctx.dispatch({ type: 'editEntry', text: edit.text });
}

/** Enter: the text goes to what the prompt was for (a kept filter needs nothing more). */
function finishEntry(entry: Entry, ctx: DispatchContext): void {
  if (entry.kind === 'command') return runCommandLine(entry.text, ctx);
  const inc = ctx.incident;
  if (!inc) return;
  if (entry.kind === 'incident-title') say(ctx, inc.start(entry.text));
  else if (entry.kind === 'note') say(ctx, inc.note(entry.text));
}

/** The y/N question before an incident ends: y ends it, any other key keeps it open. */
function endIncidentKey(press: KeyPress, ctx: Pick<DispatchContext, 'dispatch' | 'incident'>): void {
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

const TYPED: KeyPress = { input: ':' };

function runCommandLine(text: string, ctx: DispatchContext): void {
  const parsed = parseCommand(text);
  switch (parsed.kind) {
    case 'empty':
      return;
    case 'quit':
      // typed out in full, it is the second press already
      return requestQuit(ctx, TYPED, { deliberate: true });
    case 'help':
      return ctx.dispatch({ type: 'help', open: true });
    case 'refresh':
      ctx.refresh();
      return ctx.dispatch({ type: 'message', text: 'refreshing all panels', tone: 'muted' });
    case 'panel':
      ctx.dispatch({ type: 'checklist', open: false });
      return ctx.dispatch({ type: 'focus', id: parsed.id });
    case 'checklist':
      return HANDLERS.checklist(ctx, TYPED);
    case 'fleet':
      return HANDLERS.fleet(ctx, TYPED);
    case 'approvals':
      return HANDLERS.approvals(ctx, TYPED);
    case 'env':
      return runEnvCommand(parsed.name, ctx);
    case 'note':
      return runNoteCommand(parsed.text, ctx);
    case 'runbooks':
      return runbookCommand(ctx, parsed.name);
    case 'unknown':
      return ctx.dispatch({ type: 'message', text: unknownCommandMessage(parsed.text), tone: 'warn' });
  }
}

/** `:note TEXT`, or the note prompt for `:note` alone. */
function runNoteCommand(text: string, ctx: DispatchContext): void {
  if (!text) return HANDLERS['incident-note'](ctx, TYPED);
  if (!ctx.incident?.status()) return ctx.dispatch({ type: 'message', text: 'no incident is open: i starts one (notes go to its timeline)', tone: 'warn' });
  say(ctx, ctx.incident.note(text));
}

function runEnvCommand(name: string | undefined, ctx: Pick<DispatchContext, 'dispatch' | 'environments'>): void {
  const envs = ctx.environments;
  if (!envs) return ctx.dispatch({ type: 'message', text: 'this session cannot switch environments', tone: 'warn' });
  if (name === undefined) return ctx.dispatch({ type: 'message', text: envs.list(), tone: 'text' });
  say(ctx, envs.switchTo(name));
}
