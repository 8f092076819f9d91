/** `opsdeck config validate [FILE]` and `opsdeck config schema`. */
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { loadConfig, ConfigError } from '../config/load.js';
import { configJsonSchemaText } from '../config/jsonSchema.js';
import { EXIT, UserError } from './exit.js';
import type { GlobalOptions } from './environment.js';

export function configCommands(program: Command, io: { stdout: NodeJS.WriteStream; env: NodeJS.ProcessEnv; setCode: (c: number) => void }): void {
  const config = program.command('config').description('check or describe the config file');

  config
    .command('validate [file]')
    .description('validate a config file (default: the one opsdeck would use) and list its environments')
    .action((file: string | undefined, _o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      let loaded;
      try {
        loaded = loadConfig({ explicit: file ?? g.config, env: io.env, cwd: process.cwd(), home: homedir() });
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
        throw err;
      }
      const envs = Object.entries(loaded.config.environments).map(([name, e]) => `${name}${e.protected ? ' (protected)' : ''}${e.readOnly ? ' (read-only)' : ''}`);
      io.stdout.write(`${loaded.path}: ok; environments: ${envs.join(', ')}\n`);
      io.setCode(EXIT.ok);
    });

  config
    .command('schema')
    .description('print the JSON Schema of the config, for editors')
    .action(() => {
      io.stdout.write(configJsonSchemaText());
      io.setCode(EXIT.ok);
    });
}
