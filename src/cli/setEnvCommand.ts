/**
 * `opsdeck set-env SERVICE NAME=VALUE… [--unset NAME]…`: a service's
 * environment variables changed through a new task definition revision,
 * through the one executor like every action (--dry-run, --confirm PHRASE,
 * --json). Bad words are a usage error that never repeats a value.
 */
import type { Command } from 'commander';
import { setEnvAction } from '../actions/ecs/setEnv.js';
import { envWords, type EnvWords } from '../actions/ecs/envInput.js';
import { errorMessage } from '../text/sanitize.js';
import { checkEcsNames, ecsSetup, perform, withActionFlags, withClusterFlag, type ActionFlags, type ActionIo } from './actionCommands.js';
import type { GlobalOptions } from './environment.js';
import { EXIT, UserError } from './exit.js';

interface SetEnvFlags extends ActionFlags {
  unset: string[];
  container?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function setEnvCommand(program: Command, io: ActionIo): void {
  withClusterFlag(withActionFlags(program.command('set-env <service> [assignments...]').description("change an ECS service's environment variables: register the next task definition revision with NAME=VALUE set and --unset NAME removed, and deploy it (values are never shown or journaled)")))
    .option('--unset <name>', 'remove a variable (repeat for more)', collect, [])
    .option('--container <name>', "the container whose variables change (default: the task definition's first essential one)")
    .action(async (service: string, assignments: string[], flags: SetEnvFlags, cmd: Command) => {
      checkEcsNames(service, flags);
      let words: EnvWords;
      try {
        words = envWords(assignments, flags.unset, flags.container);
      } catch (err) {
        throw new UserError(errorMessage(err), EXIT.usage);
      }
      io.setCode(await perform(io, cmd.optsWithGlobals<GlobalOptions>(), flags, setEnvAction, ecsSetup(service, flags, (cluster, verifyTimeoutMs) => ({ cluster, service, ...words, verifyTimeoutMs }))));
    });
}
