/** The `:` command line: a few words, parsed without side effects. */
import type { PanelId } from '../src/model/panels.js';
import { PANEL_IDS, PANEL_TITLES } from '../src/model/panels.js';
import { oneLine } from '../src/dashboard/text.js';

type ParsedCommand =
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'help' }
  | { kind: 'refresh' }
  | { kind: 'panel'; id: PanelId }
  | { kind: 'checklist' }
  /** `:note TEXT` records it; `:note` alone opens the note prompt */
  | { kind: 'note'; text: string }
  /** `:env` lists the environments; `:env NAME` switches to one */
  | { kind: 'env'; name?: string }
  /** `:runbooks` opens the runbook screen; `:runbook NAME` plans that one there */
  | { kind: 'runbooks'; name?: string }
  /** `:fleet`: every environment's verdict */
  | { kind: 'fleet' }
  /** `:approvals`: the requests waiting for another operator */
  | { kind: 'approvals' }
  | { kind: 'unknown'; text: string };

const KNOWN_COMMANDS = ['q', 'quit', 'help', 'refresh', '1-7', ...PANEL_IDS, 'checklist', 'runbooks', 'runbook [name]', 'note [text]', 'env [name]', 'fleet', 'approvals'] as const;

export function parseCommand(raw: string): ParsedCommand {
  const text = raw.trim().replace(/^:+/, '').trim().toLowerCase();
  if (text === '') return { kind: 'empty' };
  if (text === 'q' || text === 'quit' || text === 'q!' || text === 'exit') return { kind: 'quit' };
  if (text === 'help' || text === 'h' || text === '?') return { kind: 'help' };
  if (text === 'refresh' || text === 'r') return { kind: 'refresh' };
  if (text === 'checklist' || text === 'check' || text === 'c') return { kind: 'checklist' };
  if (text === 'fleet') return { kind: 'fleet' };
  if (text === 'approvals' || text === 'approval') return { kind: 'approvals' };
  // the argument keeps its case: environment names as the config spells them, a note as typed
  const arg = (word: string) => raw.trim().replace(/^:+/, '').trim().slice(word.length).trim();
  if (/^env(\s|$)/.test(text)) {
    const name = arg('env');
    return name ? { kind: 'env', name: oneLine(name, 64) } : { kind: 'env' };
  }
  if (/^runbooks?(\s|$)/.test(text)) {
    const name = arg(text.startsWith('runbooks') ? 'runbooks' : 'runbook');
    return name ? { kind: 'runbooks', name: oneLine(name, 64) } : { kind: 'runbooks' };
  }
  if (/^note(\s|$)/.test(text)) return { kind: 'note', text: arg('note') };
  if (/^[1-7]$/.test(text)) return { kind: 'panel', id: PANEL_IDS[Number(text) - 1]! };
  const byName = PANEL_IDS.find((id) => id === text || PANEL_TITLES[id].toLowerCase() === text);
  if (byName) return { kind: 'panel', id: byName };
  return { kind: 'unknown', text: oneLine(raw.trim(), 30) };
}

export function unknownCommandMessage(text: string): string {
  return `unknown command ":${text}" (known: ${KNOWN_COMMANDS.join(', ')})`;
}
