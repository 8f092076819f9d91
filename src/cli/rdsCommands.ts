/**
 * `opsdeck snapshot INSTANCE`, `opsdeck restore SNAPSHOT --as NEW_ID` and
 * `opsdeck rds restore-pitr INSTANCE (--time ISO | --latest)`, through the
 * same path as every action.
 */
import type { Command } from 'commander';
import { snapshotAction } from '../actions/rds/snapshot.js';
import { restoreAction } from '../actions/rds/restore.js';
import { parsePitrTime, pitrInstanceId, restorePitrAction } from '../actions/rds/restorePitr.js';
import type { RdsActionContext } from '../actions/rds/context.js';
import { perform, withActionFlags, type ActionFlags, type ActionIo, type ActionSetup } from './actionCommands.js';
import { sleep } from './actionSetup.js';
import type { GlobalOptions, OpenedEnvironment } from './environment.js';
import { rdsInstanceId, rdsSnapshotId } from './arguments.js';
import { EXIT, UserError } from './exit.js';

function rdsContext(opened: OpenedEnvironment): RdsActionContext {
  if (!opened.rdsControl) throw new UserError(`${opened.info.name} configures no AWS access for RDS (add an rds entry and aws settings)`, EXIT.usage);
  return { env: opened.info, now: () => Date.now(), sleep, rds: opened.rdsControl };
}

function rdsSetup<Args>(args: (opened: OpenedEnvironment, timeoutMs: number) => Args): ActionSetup<Args, RdsActionContext> {
  return { args, context: async (opened) => rdsContext(opened) };
}

export function rdsCommands(program: Command, io: ActionIo): void {
  withActionFlags(program.command('snapshot <instance>').description('create a manual RDS snapshot of INSTANCE (y/n)'), '60m').action(async (instance: string, flags: ActionFlags, cmd: Command) => {
    rdsInstanceId(instance, 'instance');
    io.setCode(
      await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, snapshotAction, rdsSetup((opened, verifyTimeoutMs) => {
        if (!opened.config.rds.some((r) => r.instance === instance)) {
          throw new UserError(`instance "${instance}" is not in this environment's config (known: ${opened.config.rds.map((r) => r.instance).join(', ') || 'none'})`, EXIT.usage);
        }
        return { instance, verifyTimeoutMs };
      })),
    );
  });

  withActionFlags(program.command('restore <snapshot>').description('restore an RDS snapshot to a NEW instance (never over an existing one)'), '90m')
    .requiredOption('--as <id>', 'the identifier of the new instance')
    .action(async (snapshot: string, flags: ActionFlags & { as: string }, cmd: Command) => {
      rdsSnapshotId(snapshot, 'snapshot');
      rdsInstanceId(flags.as, '--as');
      io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, restoreAction, rdsSetup((_opened, verifyTimeoutMs) => ({ snapshot, newId: flags.as, verifyTimeoutMs }))));
    });

  const rds = program.command('rds').description('RDS actions beside snapshot and restore');
  withActionFlags(rds.command('restore-pitr <instance>').description('restore INSTANCE as it was at --time (or --latest) to a NEW instance (never over an existing one)'), '90m')
    .option('--time <iso>', 'the moment to restore to, ISO 8601 (no zone: UTC), e.g. 2026-11-26T08:04:00Z; it must be inside the restorable window')
    .option('--latest', 'the latest restorable time, as RDS has it when the call is made')
    .option('--target-id <id>', 'the identifier of the new instance (default: INSTANCE-pitr-<UTC yyyymmddhhmm of the time>)')
    .action(async (instance: string, flags: ActionFlags & { time?: string; latest?: boolean; targetId?: string }, cmd: Command) => {
      rdsInstanceId(instance, 'instance');
      if ((flags.time === undefined) === !flags.latest) throw new UserError('say which moment: --time ISO (e.g. 2026-11-26T08:04:00Z) or --latest, one of the two', EXIT.usage);
      let time: number | undefined;
      if (flags.time !== undefined) {
        try {
          const t = parsePitrTime(flags.time);
          time = t === 'latest' ? undefined : t;
        } catch (err) {
          throw new UserError(`--time: ${(err as Error).message}`, EXIT.usage);
        }
      }
      if (flags.targetId !== undefined) rdsInstanceId(flags.targetId, '--target-id');
      // the default id is stamped at the minute restored to: a dry run and the --confirm that follows name the same instance
      const newId = flags.targetId ?? pitrInstanceId(instance, time ?? Date.now());
      io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, restorePitrAction, rdsSetup((_opened, verifyTimeoutMs) => ({ instance, newId, verifyTimeoutMs, ...(time !== undefined ? { time } : {}) }))));
    });
}
