/**
 * A runbook's port (src/runbooks/context.ts) built from the opened
 * environment, real or sandbox alike: the action contexts the CLI's own
 * commands use, the config's names for `forEach`, one checks run for each
 * `check` / `wait`, the incident recorder, and the operator's answers.
 */
import { createInterface } from 'node:readline/promises';
import type { QueueControl } from '../sources/redis/control.js';
import type { RunbookContext } from '../runbooks/context.js';
import type { ForEach } from '../runbooks/format.js';
import { lastFinishedRun } from '../runbooks/records.js';
import { writerServices } from '../config/writers.js';
import { runChecks } from '../checks/run.js';
import { checkSettings } from '../checks/evaluate.js';
import { IncidentRecorder, startIncident, currentIncident } from '../incident/index.js';
import { clusterOf, ecsActionContext, readConditionFacts, sleep } from './actionSetup.js';
import type { OpenedEnvironment } from './environment.js';
import { EXIT, UserError } from './exit.js';

export interface RunbookIo {
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  stderr: NodeJS.WriteStream;
  /** --answer ID=CHOICE, given on the command line */
  answers: ReadonlyMap<string, string>;
  /** rehearsal: a question nobody answered takes its first choice */
  answerFirst?: boolean;
  quiet?: boolean;
}

/** The environment's writer services (`writers:`, else `services:`, else what ECS lists in the cluster). */
async function writers(opened: OpenedEnvironment, signal: AbortSignal): Promise<string[]> {
  const open = opened.config.ecs.some((c) => !c.writers && !c.services);
  const listed = open ? (await opened.sources.ecs.describe(signal)).services : [];
  const found = writerServices(opened.config, (cluster) => listed.filter((s) => s.cluster === cluster).map((s) => s.name));
  return [...new Set(found.map((w) => w.service))];
}

function redisOf(opened: OpenedEnvironment, queue: string): string {
  const holders = opened.config.redis.filter((r) => r.queues.some((q) => q.name === queue));
  if (holders.length === 1) return holders[0]!.name;
  if (holders.length === 0) throw new UserError(`queue "${queue}" is not in this environment's config`, EXIT.usage);
  throw new UserError(`queue "${queue}" is in ${holders.map((h) => h.name).join(' and ')}; a runbook step cannot tell which`, EXIT.usage);
}

/** What a runbook's steps name, answered from the environment's config (the CLI's and the dashboard's runs alike). */
export function runbookNames(opened: OpenedEnvironment): Pick<RunbookContext, 'clusterOf' | 'redisOf' | 'names'> {
  return {
    clusterOf: (service) => clusterOf(opened.config, service, undefined),
    redisOf: (queue) => redisOf(opened, queue),
    async names(over: ForEach, signal) {
      if (over === 'writers') return writers(opened, signal);
      if (over === 'databases') return opened.config.rds.map((r) => r.instance);
      return opened.config.redis.flatMap((r) => r.queues.map((q) => q.name));
    },
  };
}

/** How time passes for the run: the wall clock, or a test's clock that a sleep moves forward. */
export interface RunbookTiming {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export async function runbookContext(opened: OpenedEnvironment, io: RunbookIo, timing: RunbookTiming = { now: () => Date.now(), sleep }): Promise<{ rb: RunbookContext; close(): Promise<void> }> {
  const facts = await readConditionFacts(opened);
  let control: QueueControl | undefined;
  if (opened.config.redis.length > 0) control = await opened.queueControl();
  const pgAdmin = opened.postgresAdmin?.();
  const base = { env: opened.info, now: timing.now, sleep: timing.sleep };
  const recorder = new IncidentRecorder({ env: io.env, onError: (line) => io.stderr.write(`opsdeck: ${line}\n`) });
  const rb: RunbookContext = {
    ...base,
    ...(opened.ecsControl && opened.config.ecs.length ? { ecs: { ...ecsActionContext(opened, facts, io.env), ...base } } : {}),
    ...(opened.rdsControl && opened.config.rds.length ? { rds: { ...base, rds: opened.rdsControl } } : {}),
    ...(control ? { queues: { ...base, queues: control } } : {}),
    ...(pgAdmin ? { postgres: { ...base, postgres: pgAdmin } } : {}),
    ...runbookNames(opened),
    async findings() {
      const report = await runChecks({ sources: opened.sources, env: opened.info.name, ...checkSettings(opened.config), now: timing.now() });
      return report.findings;
    },
    incident: {
      open: () => currentIncident({ env: io.env })?.title,
      start: (title) => void startIncident(title, { env: io.env, environment: opened.info.name }),
      note: (text) => void recorder.note(text),
    },
    async ask(stepId, question, choices) {
      const given = io.answers.get(stepId);
      if (given !== undefined) return given;
      if (io.answerFirst) return choices[0]!;
      if (!io.isTTY) throw new Error(`step ${stepId} asks "${question}" and nobody can answer: pass --answer ${stepId}=${choices.join('|')}`);
      const rl = createInterface({ input: process.stdin, output: io.stderr });
      try {
        for (;;) {
          const a = (await rl.question(`${question} [${choices.join('/')}] `)).trim();
          if (choices.includes(a)) return a;
          io.stderr.write(`  answer one of: ${choices.join(', ')}\n`);
        }
      } finally {
        rl.close();
      }
    },
    lastRun: (runbook) => lastFinishedRun(opened.info.name, runbook, io.env),
    stateEnv: io.env,
    ...(io.quiet ? {} : { report: (line: string) => io.stderr.write(`  ${line}\n`) }),
  };
  return { rb, close: async () => void (await Promise.all([control?.close(), pgAdmin?.close()])) };
}
