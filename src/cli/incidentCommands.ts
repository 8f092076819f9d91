/**
 * `opsdeck incident start|note|status|end`: incident mode from any terminal.
 * The TUI writes to the same timeline (src/incident/recorder.ts), so a note
 * typed here during a TUI session lands in the same record.
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { currentIncident, endIncident, IncidentError, IncidentRecorder, startIncident } from '../incident/index.js';
import { clockUtc, countdown, dateTimeUtc, duration, entryLine, offset } from '../incident/format.js';
import { nextMark } from '../incident/escalation.js';
import { chronological } from '../incident/timeline.js';
import type { IncidentRecord } from '../incident/types.js';
import type { ActionIo } from './actionCommands.js';
import type { GlobalOptions } from './environment.js';
import { EXIT, UserError } from './exit.js';
import { namedNotifier } from '../notify/setup.js';
import { incidentEnded, incidentNoted, incidentStarted } from '../notify/incidentEvents.js';
import type { IncidentNotice } from '../notify/events.js';

const LAST_ENTRIES = 5;

function refusal(err: unknown): never {
  if (err instanceof IncidentError) throw new UserError(err.message, err.code === 'title' ? EXIT.usage : EXIT.refused);
  throw err;
}

function noIncident(): never {
  throw new UserError('no incident is open; start one with: opsdeck incident start "what is wrong"', EXIT.refused);
}

function statusLines(inc: IncidentRecord, now: number): string[] {
  const next = nextMark(inc.startedAt, now);
  const lines = [
    `incident ${inc.id}: ${inc.title}`,
    `  started ${dateTimeUtc(inc.startedAt)}, ${duration(now - inc.startedAt)} ago${inc.environment ? `, environment ${inc.environment}` : ''}`,
    next ? `  next escalation mark: ${next.minutes} min, in ${countdown(next.inMs)} (${next.advice})` : '  every escalation mark (2, 5, 10, 30 min) has passed',
    `  timeline: ${inc.timelinePath}`,
  ];
  const last = chronological(inc.entries).slice(-LAST_ENTRIES);
  if (last.length) lines.push(`  last ${last.length === 1 ? 'entry' : `${last.length} entries`}:`, ...last.map((e) => `    ${entryLine(e, inc.startedAt)}`));
  for (const p of inc.problems) lines.push(`  warning: ${p}`);
  if (inc.journalProblem) lines.push(`  warning: ${inc.journalProblem}`);
  return lines;
}

/**
 * The environment an incident from the command line is about: --demo's, --env,
 * or the config's default one. Without a readable config it is about every
 * environment (the review then takes the journal's actions for all of them).
 */
async function incidentEnvironment(g: GlobalOptions, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (g.demo) return 'demo';
  if (g.env) return g.env;
  try {
    const { loadConfig, selectEnvironment } = await import('../config/load.js');
    return selectEnvironment(loadConfig({ explicit: g.config, env, cwd: process.cwd(), home: homedir() }).config).name;
  } catch {
    return undefined;
  }
}

export function incidentCommands(program: Command, io: ActionIo): void {
  const incident = program.command('incident').description('incident mode: a timeline of what was seen and done, then a drafted post-incident review');
  const recorder = () => new IncidentRecorder({ env: io.env, onError: (line) => io.stderr.write(`opsdeck: ${line}\n`) });
  // the incident is recorded first; its notification is sent before the command returns, waiting a bounded time
  const tell = async (g: GlobalOptions, event: IncidentNotice) => {
    const notifier = await namedNotifier(g, io.env, event.environment, { env: io.env, onFailure: (line) => io.stderr.write(`opsdeck: ${line}\n`) });
    void notifier.post(event);
    await notifier.flush();
  };

  incident
    .command('start <title...>')
    .description('open an incident (one at a time per state directory); findings, notes and every action journaled for its environment (from any terminal) are recorded until `incident end`')
    .action(async (words: string[], _o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const environment = await incidentEnvironment(g, io.env);
      let info;
      try {
        info = startIncident(words.join(' '), { env: io.env, ...(environment ? { environment } : {}) });
      } catch (err) {
        refusal(err);
      }
      io.stdout.write(
        [
          `incident ${info.id} started at ${clockUtc(info.startedAt)} UTC: ${info.title}`,
          `  timeline: ${info.timelinePath}`,
          `  actions journaled ${environment ? `for environment ${environment}` : 'for any environment'} until it ends, from any terminal, go in its review`,
          '  add notes with `opsdeck incident note TEXT`; close it with `opsdeck incident end`',
        ].join('\n') + '\n',
      );
      // said first: the notification may take its bounded time
      await tell(g, incidentStarted(info, { env: io.env }));
      io.setCode(EXIT.ok);
    });

  incident
    .command('note <text...>')
    .description('add a note to the open incident\'s timeline')
    .action(async (words: string[], _o, cmd: Command) => {
      const rec = recorder();
      if (!rec.open()) noIncident();
      rec.tick();
      const entry = rec.note(words.join(' '));
      if (!entry) throw new UserError(rec.open() ? 'the note is empty (or could not be written; see above)' : 'the incident was ended meanwhile; the note was not recorded', EXIT.refused);
      const open = rec.open();
      const started = open?.startedAt ?? Date.parse(entry.time);
      io.stdout.write(`noted at ${clockUtc(Date.parse(entry.time))} UTC (${offset(Date.parse(entry.time), started)})\n`);
      if (open) await tell(cmd.optsWithGlobals<GlobalOptions>(), incidentNoted(open, entry.text, Date.parse(entry.time), entry.by));
      io.setCode(EXIT.ok);
    });

  incident
    .command('status')
    .description('the open incident: elapsed time, the next escalation mark, the last entries; exit 1 when none is open')
    .option('--json', 'print it as JSON')
    .action((flags: { json?: boolean }) => {
      // the escalation marks land in the timeline even when no TUI is running
      recorder().tick();
      const inc = currentIncident({ env: io.env });
      const now = Date.now();
      if (!inc) {
        io.stdout.write(flags.json ? JSON.stringify({ open: false }) + '\n' : 'no incident is open\n');
        io.setCode(EXIT.refused);
        return;
      }
      if (flags.json) {
        const next = nextMark(inc.startedAt, now);
        const { entries, problems, ...info } = inc;
        io.stdout.write(JSON.stringify({ open: true, ...info, elapsedMs: now - inc.startedAt, nextMark: next ?? null, lastEntries: chronological(entries).slice(-LAST_ENTRIES), problems }, null, 2) + '\n');
      } else {
        io.stdout.write(statusLines(inc, now).join('\n') + '\n');
      }
      io.setCode(EXIT.ok);
    });

  incident
    .command('end')
    .description('close the open incident and write its post-incident review (markdown) next to the timeline')
    .option('--print', 'print the review to stdout (the path goes to stderr)')
    .option('--json', 'print the path, times and counts as JSON')
    .action(async (flags: { print?: boolean; json?: boolean }, cmd: Command) => {
      let ended;
      try {
        ended = endIncident({ env: io.env });
      } catch (err) {
        refusal(err);
      }
      const inc = ended.incident;
      for (const p of inc.problems) io.stderr.write(`opsdeck: warning: incident timeline ${inc.timelinePath}: ${p}\n`);
      if (inc.journalProblem) io.stderr.write(`opsdeck: warning: ${inc.journalProblem}\n`);
      const endedAt = inc.endedAt ?? Date.now();
      const line = `incident ${inc.id} ended after ${duration(endedAt - inc.startedAt)}; review: ${ended.reviewPath}`;
      if (flags.json) {
        const { entries, ...info } = inc;
        io.stdout.write(JSON.stringify({ ...info, endedAt, durationMs: endedAt - inc.startedAt, entries: entries.length, reviewPath: ended.reviewPath, ...(flags.print ? { review: ended.review } : {}) }, null, 2) + '\n');
      } else if (flags.print) {
        io.stderr.write(`opsdeck: ${line}\n`);
        io.stdout.write(ended.review);
      } else {
        io.stdout.write(`${line}\n`);
      }
      await tell(cmd.optsWithGlobals<GlobalOptions>(), incidentEnded(inc));
      io.setCode(EXIT.ok);
    });
}
