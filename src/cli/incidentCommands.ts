/**
 * `opsdeck incident start|join|note|status|end`: incident mode from any terminal.
 * The TUI writes to the same timeline (src/incident/recorder.ts), so a note
 * typed here during a TUI session lands in the same record. With a team store
 * the environment's incident is the one in the store (src/team/incidents.ts),
 * shared by every operator: `start` where one is open says so and offers `join`.
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
import { operatorLabel } from '../incident/incident.js';
import { oneLine } from '../text/sanitize.js';
import { infoOf, TeamIncidents, type TeamIncidentRow } from '../team/incidents.js';
import { openTeamStore } from '../team/store.js';
import { SchemaTooNewError } from '../team/migrations.js';

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

/** The team store of the incident's environment: its own or the config's; the demo's is OPSDECK_TEAM_DB. */
async function incidentTeamStore(g: GlobalOptions, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (g.demo) return env.OPSDECK_TEAM_DB || undefined;
  try {
    const { loadConfig, selectEnvironment } = await import('../config/load.js');
    const { config } = loadConfig({ explicit: g.config, env, cwd: process.cwd(), home: homedir() });
    return selectEnvironment(config, g.env).env.team?.store ?? config.team?.store;
  } catch {
    return undefined;
  }
}

const openedText = (inc: TeamIncidentRow) => `"${inc.title}" (${inc.id}) in ${inc.env}, opened by ${inc.openedBy} at ${clockUtc(inc.openedAt)} UTC`;

/**
 * Runs `fn` on the environment's shared incidents when it has a team store;
 * undefined (do it locally) when it has none. A store that does not answer is
 * one line, not a silent switch to a local incident nobody else would see.
 */
async function withTeam<T>(g: GlobalOptions, io: ActionIo, fn: (t: TeamIncidents, environment: string) => Promise<T>): Promise<{ value: T } | undefined> {
  const url = await incidentTeamStore(g, io.env);
  const environment = url ? await incidentEnvironment(g, io.env) : undefined;
  if (!url || !environment) return undefined;
  const store = openTeamStore(url, { max: 2 });
  try {
    return { value: await fn(new TeamIncidents(store, operatorLabel()), environment) };
  } catch (err) {
    if (err instanceof IncidentError || err instanceof UserError) throw err;
    if (err instanceof SchemaTooNewError) throw new UserError(err.message, EXIT.refused);
    throw new UserError(`the team store ${store.where} did not answer (${store.describe(err)}); the shared incident was not changed`, EXIT.failed);
  } finally {
    await store.close();
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
      let teamRecord: IncidentRecord | undefined;
      try {
        const shared = await withTeam(g, io, async (t, envName) => {
          const r = await t.start(envName, words.join(' '));
          if (!r.started) throw new UserError(`incident ${openedText(r.incident)} is already open; join it with: opsdeck incident join`, EXIT.refused);
          // for the notice's status-page draft; the incident is started whether or not it can be read back
          teamRecord = await t.record(r.incident, io.env).catch(() => undefined);
          return infoOf(r.incident, io.env, t.store.where);
        });
        if (shared) info = shared.value;
        else info = startIncident(words.join(' '), { env: io.env, ...(environment ? { environment } : {}) });
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
      await tell(g, incidentStarted(info, { env: io.env, ...(teamRecord ? { rec: teamRecord } : {}) }));
      io.setCode(EXIT.ok);
    });

  incident
    .command('join')
    .description('team mode: attach yourself to the environment\'s open incident (opened by another operator); your notes and actions go in its timeline and review')
    .action(async (_o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      let joined;
      try {
        joined = await withTeam(g, io, (t, envName) => t.join(envName));
      } catch (err) {
        refusal(err);
      }
      if (!joined) throw new UserError('`incident join` needs a team store (team.store in the config; OPSDECK_TEAM_DB for the demo): without one, the incident is this machine\'s own', EXIT.usage);
      io.stdout.write(`joined incident ${openedText(joined.value)}\n  add notes with \`opsdeck incident note TEXT\`\n`);
      io.setCode(EXIT.ok);
    });

  incident
    .command('note <text...>')
    .description('add a note to the open incident\'s timeline')
    .action(async (words: string[], _o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      let shared;
      try {
        shared = await withTeam(g, io, async (t, envName) => {
          const text = words.join(' ').trim();
          if (!text) throw new UserError('the note is empty', EXIT.usage);
          const done = await t.append(envName, { kind: 'note', time: new Date().toISOString(), text: oneLine(text, 2000), by: t.by });
          if (!done) throw new UserError(`no incident is open in ${envName}; start one with: opsdeck incident start "what is wrong"`, EXIT.refused);
          return { ...done, rec: await t.record(done.incident, io.env).catch(() => undefined) };
        });
      } catch (err) {
        refusal(err);
      }
      if (shared) {
        const { incident: inc, event, rec: teamRec } = shared.value;
        const at = Date.parse(event.entry.time);
        io.stdout.write(`noted at ${clockUtc(at)} UTC (${offset(at, inc.openedAt)}) on the team incident ${inc.id}\n`);
        if (event.entry.kind === 'note') await tell(g, incidentNoted({ id: inc.id, title: inc.title, environment: inc.env }, event.entry.text, at, event.operator, teamRec ? { rec: teamRec } : {}));
        io.setCode(EXIT.ok);
        return;
      }
      const rec = recorder();
      if (!rec.open()) noIncident();
      rec.tick();
      const entry = rec.note(words.join(' '));
      if (!entry) throw new UserError(rec.open() ? 'the note is empty (or could not be written; see above)' : 'the incident was ended meanwhile; the note was not recorded', EXIT.refused);
      const open = rec.open();
      const started = open?.startedAt ?? Date.parse(entry.time);
      io.stdout.write(`noted at ${clockUtc(Date.parse(entry.time))} UTC (${offset(Date.parse(entry.time), started)})\n`);
      if (open) await tell(cmd.optsWithGlobals<GlobalOptions>(), incidentNoted(open, entry.text, Date.parse(entry.time), entry.by, { env: io.env }));
      io.setCode(EXIT.ok);
    });

  incident
    .command('status')
    .description('the open incident: elapsed time, the next escalation mark, the last entries; exit 1 when none is open')
    .option('--json', 'print it as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const shared = await withTeam(cmd.optsWithGlobals<GlobalOptions>(), io, async (t, envName) => {
        const open = await t.openIncident(envName);
        return open && (await t.record(open, io.env));
      });
      // the escalation marks land in the timeline even when no TUI is running
      if (!shared) recorder().tick();
      const inc = shared ? shared.value : currentIncident({ env: io.env });
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
        const shared = await withTeam(cmd.optsWithGlobals<GlobalOptions>(), io, (t, envName) => t.end(envName, io.env));
        ended = shared ? shared.value : endIncident({ env: io.env });
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
