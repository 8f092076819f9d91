/** `opsdeck snapshot INSTANCE` and `opsdeck restore SNAPSHOT --as NEW_ID`, through the same path as every action. */
import type { Command } from 'commander';
import { snapshotAction } from '../actions/rds/snapshot.js';
import { restoreAction } from '../actions/rds/restore.js';
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
}
