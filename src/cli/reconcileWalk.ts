/**
 * `opsdeck audit reconcile` on a terminal: each intent a crash left without
 * an outcome, one after the other — what it was, who started it and when,
 * how far it got, its target now — and the operator says what happened.
 * Each answer is journaled at once, so quitting half way keeps what was said.
 */
import { createInterface } from 'node:readline/promises';
import { reconcile, ReconcileError, VERDICT_WORDS, type ReconcileJournal, type ReconcileVerdict } from '../audit/reconcile.js';
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import { errorMessage, oneLine } from '../text/sanitize.js';

interface WalkIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export interface WalkResult {
  recorded: number;
  skipped: number;
  /** the operator quit (q, or end of input) before the last one */
  quit: boolean;
}

const CHOICES = '[h] it happened  [n] it did not happen  [s] skip  [q] quit';

const ANSWERS: Record<string, ReconcileVerdict | 'skip' | 'quit'> = {
  h: 'happened',
  happened: 'happened',
  n: 'did-not-happen',
  'not happened': 'did-not-happen',
  s: 'skip',
  skip: 'skip',
  q: 'quit',
  quit: 'quit',
};

export async function walkPending(io: WalkIo, journal: ReconcileJournal, pending: readonly UnreconciledIntent[], now: ReadonlyMap<number, string>): Promise<WalkResult> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: true });
  const say = (line: string) => io.output.write(line + '\n');
  // Ctrl-D or a closed terminal ends the walk like q; what was recorded stays
  let closed = false;
  rl.once('close', () => (closed = true));
  const ask = async (prompt: string): Promise<string | undefined> => {
    if (closed) return undefined;
    try {
      return await rl.question(prompt);
    } catch {
      return undefined;
    }
  };
  const result: WalkResult = { recorded: 0, skipped: 0, quit: false };
  try {
    say(`${pending.length} action${pending.length === 1 ? '' : 's'} of unknown outcome; for each, say what happened (each answer is journaled at once)`);
    for (const [n, i] of pending.entries()) {
      say('');
      say(`[${n + 1}/${pending.length}] #${i.seq}  ${i.action} of ${oneLine(i.target)}`);
      say(`  started  ${i.time.slice(0, 19).replace('T', ' ')} UTC by ${oneLine(`${i.user}@${i.host}`)} in ${oneLine(i.environment)}`);
      say(`  planned  ${oneLine(i.summary, 200)}`);
      if (i.progress) say(`  got to   ${oneLine(i.progress, 300)}`);
      say(`  now      ${now.has(i.seq) ? oneLine(now.get(i.seq)!) : 'not read (name the environment with --env to see the target now)'}`);
      let choice: ReconcileVerdict | 'skip' | 'quit' | undefined;
      while (choice === undefined) {
        const answer = await ask(`What happened? ${CHOICES}: `);
        if (answer === undefined) {
          choice = 'quit';
          break;
        }
        choice = ANSWERS[answer.trim().toLowerCase()];
        if (choice === undefined) say(`  "${oneLine(answer, 40)}" is not one of h, n, s, q`);
      }
      if (choice === 'quit') {
        result.quit = true;
        break;
      }
      if (choice === 'skip') {
        result.skipped++;
        say('  skipped: it stays a finding until someone records it');
        continue;
      }
      const note = await ask(`  A note for the journal (${VERDICT_WORDS[choice]}: …), Enter for none: `);
      if (note === undefined) {
        result.quit = true;
        break;
      }
      try {
        const r = await reconcile(journal, i.seq, note, undefined, choice);
        result.recorded++;
        say(`  recorded as journal record #${r.seq}: ${oneLine(r.detail)}`);
      } catch (err) {
        // someone else reconciled it meanwhile, or the journal cannot be written: said, and on to the next
        say(`  not recorded: ${err instanceof ReconcileError ? err.message : errorMessage(err)}`);
      }
    }
    say('');
    say(`${result.recorded} recorded, ${result.skipped} skipped${result.quit ? ', stopped before the end' : ''}; \`opsdeck audit\` shows the records`);
    return result;
  } finally {
    rl.close();
  }
}
