/**
 * `opsdeck tasks SERVICE`: the tasks a service wants running, read fresh
 * (ListTasks + DescribeTasks); `opsdeck stop-task SERVICE TASK_ID`: stop one
 * through the one executor like every action (--dry-run, --confirm PHRASE,
 * --json); the service starts its replacement.
 */
import type { Command } from 'commander';
import { stopTaskAction } from '../actions/ecs/stopTask.js';
import { shortTaskId, type EcsTask } from '../model/ecs.js';
import { oneLine } from '../text/sanitize.js';
import { checkEcsNames, ecsSetup, perform, withActionFlags, withClusterFlag, type ActionFlags, type ActionIo } from './actionCommands.js';
import { clusterOf } from './actionSetup.js';
import { openEnvironment, type GlobalOptions } from './environment.js';
import { EXIT, UserError } from './exit.js';

/** A task id (32 hex characters, or an older UUID), the start of one as `tasks` shows it, or a task ARN. */
export function taskRef(text: string): string {
  if (/^[A-Za-z0-9-]{1,64}$/.test(text) || /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/(?:[A-Za-z0-9_-]{1,255}\/)?[A-Za-z0-9-]{1,64}$/.test(text)) return text;
  throw new UserError(`TASK_ID "${oneLine(text, 80)}" is not an ECS task id: letters, digits and dashes (as \`opsdeck tasks SERVICE\` lists them), or a task ARN`, EXIT.usage);
}

function reasonText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '' || oneLine(text) !== text || text.length > 200) throw new UserError('--reason is one line of at most 200 printable characters, e.g. --reason "memory leak on this task"', EXIT.usage);
  return text;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function taskJson(t: EcsTask) {
  return {
    id: t.id,
    shortId: shortTaskId(t.id),
    taskArn: t.taskArn,
    taskDefinition: t.taskDefinition,
    revision: t.revision,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    health: t.health,
    createdAt: iso(t.createdAt),
    startedAt: iso(t.startedAt),
    availabilityZone: t.availabilityZone ?? null,
  };
}

function taskLine(t: EcsTask, i: number): string {
  const started = t.startedAt === undefined ? 'not started' : `started ${new Date(t.startedAt).toISOString().replace(/\.\d+Z$/, 'Z')}`;
  return `${String(i + 1).padStart(2)}  ${t.id}  ${t.taskDefinition}  ${t.lastStatus}  ${t.health}  ${started}  ${t.availabilityZone ?? '-'}`;
}

export function taskCommands(program: Command, io: ActionIo): void {
  withClusterFlag(program.command('tasks <service>').description("list an ECS service's running tasks: id, task definition, status, health, start, availability zone"))
    .option('--json', 'print the tasks as JSON')
    .action(async (service: string, flags: { cluster?: string; json?: boolean }, cmd: Command) => {
      checkEcsNames(service, { ...flags, timeout: '' });
      const g = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const opened = await openEnvironment(g, io.env, { oneShot: true });
      try {
        const cluster = clusterOf(opened.config, service, flags.cluster);
        const control = opened.ecsControl?.tasks;
        if (!control) throw new UserError(`this build of opsdeck cannot read ECS tasks in ${opened.info.name}`, EXIT.usage);
        const tasks = await control.list(cluster, service, AbortSignal.timeout(30_000));
        if (flags.json || g.json) io.stdout.write(JSON.stringify(tasks.map(taskJson), null, 2) + '\n');
        else io.stdout.write(tasks.length ? tasks.map(taskLine).join('\n') + '\n' : `${service} in ${cluster} has no task that ECS wants running\n`);
        io.setCode(EXIT.ok);
      } finally {
        await opened.sources.close();
      }
    });

  withClusterFlag(withActionFlags(program.command('stop-task <service> <task>').description('stop one task of an ECS service (its id as `opsdeck tasks` lists it, or the start of it); the service starts a replacement')))
    .action(async (service: string, task: string, flags: ActionFlags & { reason?: string }, cmd: Command) => {
      checkEcsNames(service, flags);
      const ref = taskRef(task);
      const reason = reasonText(flags.reason);
      io.setCode(
        await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, stopTaskAction, ecsSetup(service, flags, (cluster, verifyTimeoutMs) => ({ cluster, service, task: ref, verifyTimeoutMs, ...(reason !== undefined ? { reason } : {}) }))),
      );
    });
}
