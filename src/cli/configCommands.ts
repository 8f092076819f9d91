/** `opsdeck config validate [FILE]` and `opsdeck config schema`. */
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { ConfigError } from '../config/errors.js';
import { EXIT, UserError } from './exit.js';
import type { GlobalOptions } from './environment.js';

export function configCommands(program: Command, io: { stdout: NodeJS.WriteStream; env: NodeJS.ProcessEnv; setCode: (c: number) => void }): void {
  const config = program.command('config').description('check or describe the config file');

  config
    .command('validate [file]')
    .description('validate a config file (default: the one opsdeck would use) and list its environments')
    .action(async (file: string | undefined, _o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { loadConfig } = await import('../config/load.js');
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
    .action(async () => {
      const { configJsonSchemaText } = await import('../config/jsonSchema.js');
      io.stdout.write(configJsonSchemaText());
      io.setCode(EXIT.ok);
    });
}
