/**
 * `opsdeck autoscaling suspend|resume SERVICE`: Application Auto Scaling of
 * an ECS service, through the one executor like every action (--dry-run,
 * --confirm PHRASE, --json), and `opsdeck autoscaling show` to read it.
 */
import type { Command } from 'commander';
import { autoscalingAction, type AutoscalingMode } from '../actions/ecs/autoscaling.js';
import { scalingState } from '../model/autoscaling.js';
import { checkEcsNames, ecsSetup, perform, withActionFlags, withClusterFlag, type ActionFlags, type ActionIo } from './actionCommands.js';
import { openEnvironment, type GlobalOptions } from './environment.js';
import { EXIT } from './exit.js';

const DESCRIPTION: Record<AutoscalingMode, string> = {
  suspend: "suspend an ECS service's autoscaling (scale-in, scale-out and scheduled), so a scale to 0 stays at 0",
  resume: "resume an ECS service's autoscaling (all three kinds of scaling)",
};

export function autoscalingCommands(program: Command, io: ActionIo): void {
  const group = program.command('autoscaling').description('read, suspend and resume the Application Auto Scaling of ECS services');
  for (const mode of ['suspend', 'resume'] as const) {
    withClusterFlag(withActionFlags(group.command(`${mode} <service>`).description(DESCRIPTION[mode]), '2m')).action(async (service: string, flags: ActionFlags, cmd: Command) => {
      checkEcsNames(service, flags);
      io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, autoscalingAction(mode), ecsSetup(service, flags, (cluster, verifyTimeoutMs) => ({ cluster, service, verifyTimeoutMs }))));
    });
  }
  group
    .command('show')
    .description('each service: desired count, autoscaling min / max and whether it is suspended')
    .option('--json', 'print the rows as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const opened = await openEnvironment(g, io.env, { oneShot: true });
      try {
        const snap = await opened.sources.ecs.describe(AbortSignal.timeout(30_000));
        const rows = snap.services.map((s) => ({ cluster: s.cluster, service: s.name, desired: s.desired, running: s.running, autoscaling: s.autoscaling ?? null }));
        if (flags.json || g.json) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else {
          for (const r of rows) {
            const a = r.autoscaling;
            io.stdout.write(`${r.cluster}/${r.service}  desired ${r.desired}  running ${r.running}  ${a ? `autoscaling min ${a.min} max ${a.max}, ${scalingState(a)}` : 'no scalable target'}\n`);
          }
          for (const w of snap.warnings ?? []) io.stderr.write(`opsdeck: ${w}\n`);
        }
        io.setCode(EXIT.ok);
      } finally {
        await opened.sources.close();
      }
    });
}
