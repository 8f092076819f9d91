/**
 * The notification queue a command or the dashboard uses, with the targets
 * of the environment it opened (the config's `notify:`, or in the demo
 * those of `--config`'s `demo` environment).
 */
import { homedir } from 'node:os';
import { demoNotifyTargets, type GlobalOptions, type OpenedEnvironment } from '../cli/environment.js';
import type { NotifyTargetConfig } from '../config/schema.js';
import { Notifier, type NotifierOptions } from './notifier.js';
import { notifyTargets } from './targets.js';

export function environmentNotifier(opened: Pick<OpenedEnvironment, 'info' | 'config'>, opts: NotifierOptions): Notifier {
  return new Notifier(opts).configure(opened.info.name, notifyTargets(opened.config.notify));
}

/**
 * The queue for a command that does not open the environment (incident
 * start, note, end): the targets of the environment named, read from the
 * config the flags name. A config that does not load sends nothing; the
 * incident is recorded all the same.
 */
export async function namedNotifier(g: GlobalOptions, processEnv: NodeJS.ProcessEnv, environment: string | undefined, opts: NotifierOptions): Promise<Notifier> {
  const notifier = new Notifier(opts);
  if (environment === undefined) return notifier;
  let targets: NotifyTargetConfig[] | undefined;
  try {
    if (g.demo) targets = environment === 'demo' ? await demoNotifyTargets(g, processEnv) : undefined;
    else {
      const { loadConfig } = await import('../config/load.js');
      const { config } = loadConfig({ explicit: g.config, env: processEnv, cwd: process.cwd(), home: homedir() });
      targets = Object.hasOwn(config.environments, environment) ? config.environments[environment]?.notify : undefined;
    }
  } catch {
    targets = undefined;
  }
  return notifier.configure(environment, notifyTargets(targets));
}
