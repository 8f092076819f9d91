/**
 * Where runbooks come from: the ones shipped with opsdeck (the `runbooks/`
 * directory of the package, each a file a team can copy and change) and a
 * `runbooks/` directory beside the config file. A team's runbook of the same
 * name replaces the built-in one, so copying and editing a shipped file is
 * the way to change it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { ConfigError, formatPath } from '../config/errors.js';
import { readConfigText } from '../config/load.js';
import { RUNBOOK_ACTIONS, runbookSchema, type Runbook } from './format.js';

export interface LoadedRunbook {
  runbook: Runbook;
  /** the file it was read from */
  path: string;
  origin: 'built-in' | 'team';
}

/** The shipped runbooks: the `runbooks/` directory beside the package's package.json, found from this module (src/, dist/ or dist/chunks/). */
export function builtInDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runbooks'))) return join(dir, 'runbooks');
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** The team's runbooks: `runbooks/` beside the config file. */
export function teamDir(configPath: string | undefined): string | undefined {
  if (!configPath) return undefined;
  const dir = join(dirname(configPath), 'runbooks');
  return existsSync(dir) ? dir : undefined;
}

/** One runbook file, parsed and validated; a bad file is a ConfigError whose lines name the file and the step. */
export function parseRunbook(text: string, label: string): Runbook {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new ConfigError(label, doc.errors.map((e) => `${label}: ${e.message.split('\n')[0]}`));
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(label, [`${label}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  // a step is one of several shapes, so the schema's own word for a misspelt action is "invalid input"
  const steps = (raw as { steps?: unknown } | null)?.steps;
  if (Array.isArray(steps)) {
    const wrong = steps.flatMap((s, i) => {
      const action = (s as { action?: unknown } | null)?.action;
      return typeof action === 'string' && !(RUNBOOK_ACTIONS as readonly string[]).includes(action)
        ? [`${label}: steps[${i}].action: "${action}" is not an action a runbook can run; one of ${RUNBOOK_ACTIONS.join(', ')}`]
        : [];
    });
    if (wrong.length) throw new ConfigError(label, wrong);
  }
  const parsed = runbookSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      label,
      parsed.error.issues.map((i) => `${label}: ${formatPath(i.path) || '(top)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

function readDir(dir: string, origin: LoadedRunbook['origin']): LoadedRunbook[] {
  const out: LoadedRunbook[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const path = join(dir, name);
    const runbook = parseRunbook(readConfigText(path, path), path);
    const stem = name.replace(/\.ya?ml$/, '');
    if (runbook.name !== stem) throw new ConfigError(path, [`${path}: the runbook is named "${runbook.name}" but its file is ${name}; name the file ${runbook.name}.yaml`]);
    out.push({ runbook, path, origin });
  }
  return out;
}

/** Every runbook, built-in first, a team's file replacing the built-in of the same name. */
export function loadRunbooks(configPath?: string): LoadedRunbook[] {
  const byName = new Map<string, LoadedRunbook>();
  const builtIn = builtInDir();
  if (builtIn) for (const r of readDir(builtIn, 'built-in')) byName.set(r.runbook.name, r);
  const team = teamDir(configPath);
  if (team) for (const r of readDir(team, 'team')) byName.set(r.runbook.name, r);
  return [...byName.values()];
}

export function findRunbook(all: readonly LoadedRunbook[], name: string): LoadedRunbook | undefined {
  return all.find((r) => r.runbook.name === name);
}
