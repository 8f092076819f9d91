/**
 * The checks over several environments at once: `opsdeck check --env all`
 * (or `--env a,b`) and the dashboard's `:fleet`. Each environment is opened,
 * its AWS identity asked first (so a dead endpoint or a role that cannot be
 * assumed is one line, not an unknown per panel), then checked with the same
 * checklist as `check`; a few at a time, in the order named.
 */
import { homedir } from 'node:os';
import { SEVERITY_GLYPH, type Severity } from '../model/findings.js';
import type { CheckReport } from '../checks/run.js';
import { runChecklist } from '../checks/checklist.js';
import { EXIT_BY_SEVERITY, SEVERITY_RANK } from '../checks/severity.js';
import { formatMarkdown, formatText, NO_PAINT, utc, type ReportFormat } from '../checks/format.js';
import { ConfigError } from '../config/errors.js';
import { errorMessage, escapeJsonText, oneLine } from '../text/sanitize.js';
import { redact } from '../text/redact.js';
import { systemClock } from '../engine/clock.js';
import { resolveIdentity, type OpenedEnvironment } from './environment.js';
import { EXIT, UserError } from './exit.js';

/** One environment of the fleet: its report, or the one line saying why there is none. */
export interface FleetSection {
  environment: string;
  status: Severity;
  exitCode: number;
  /** the AWS account and the caller's ARN (the assumed role's when one is configured) */
  account?: string;
  identity?: string;
  /** why the environment could not be opened or reached; no report then */
  error?: string;
  report?: CheckReport;
}

export interface FleetReport {
  version: 1;
  kind: 'fleet';
  checkedAt: string;
  status: Severity;
  exitCode: number;
  /** environments by verdict */
  summary: Record<Severity, number>;
  environments: FleetSection[];
}

/** The sandbox's name in a fleet: `--demo` adds it to the config's environments. */
export const DEMO_ENVIRONMENT = 'demo';
const FLEET_CONCURRENCY = 4;

/** Whether `--env` names more than one environment. */
export function isFleetSpec(spec: string | undefined): spec is string {
  return spec !== undefined && (spec === 'all' || spec.includes(','));
}

/**
 * `all` or a comma list → the environments, in the config's order for `all`
 * and the given order for a list. With `--demo`, `demo` is the sandbox and
 * `all` ends with it.
 */
export function fleetNames(spec: string, configured: readonly string[], demo: boolean): string[] {
  const known = demo ? [...configured.filter((n) => n !== DEMO_ENVIRONMENT), DEMO_ENVIRONMENT] : [...configured];
  if (spec === 'all') {
    if (known.length === 0) throw new UserError('--env all: the config names no environments', EXIT.config);
    return known;
  }
  const asked = [...new Set(spec.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = asked.filter((n) => !known.includes(n));
  if (unknown.length) {
    const cure = unknown.includes(DEMO_ENVIRONMENT) && !demo ? ' (add --demo for the sandbox)' : '';
    throw new UserError(`--env: unknown environment${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}${cure}; known: ${known.join(', ') || 'none'}`, EXIT.config);
  }
  if (asked.length === 0) throw new UserError('--env: name at least one environment, or all', EXIT.usage);
  return asked;
}

interface SectionOptions {
  open(name: string): Promise<OpenedEnvironment>;
  timeoutMs: number;
  sinceMs?: number;
  processEnv: NodeJS.ProcessEnv;
  /** false in the dashboard: a glance at the fleet is not the morning checklist */
  remember: boolean;
  warn(line: string): void;
  now?: () => number;
}

const unreachable = (environment: string, error: string, who: Pick<FleetSection, 'account' | 'identity'> = {}): FleetSection => ({ environment, status: 'unknown', exitCode: EXIT_BY_SEVERITY.unknown, ...who, error });

/** Opens, identifies and checks one environment; never throws. */
export async function checkSection(name: string, opts: SectionOptions): Promise<FleetSection> {
  let opened: OpenedEnvironment;
  try {
    opened = await opts.open(name);
  } catch (err) {
    return unreachable(name, `could not open: ${errorMessage(err)}`);
  }
  try {
    const failed = await resolveIdentity(opened, opts.timeoutMs);
    if (failed !== undefined) return unreachable(name, failed);
    const who = opened.aws ? { account: opened.info.account, identity: opened.info.identity } : {};
    const report = await runChecklist({
      sources: opened.sources, environment: opened.info.name, config: opened.config, now: (opts.now ?? systemClock.now)(), timeoutMs: opts.timeoutMs,
      remember: opts.remember && opened.remembersChecklist, processEnv: opts.processEnv,
      ...(opts.sinceMs !== undefined ? { sinceMs: opts.sinceMs } : {}),
      warn: (line) => opts.warn(`${name}: ${line}`),
    });
    return { environment: name, status: report.status, exitCode: report.exitCode, ...who, report };
  } catch (err) {
    return unreachable(name, errorMessage(err));
  } finally {
    await opened.sources.close().catch(() => undefined);
  }
}

/** Runs `work` over `items`, at most `limit` at a time, results in the items' order. */
export async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export async function runFleetCheck(names: readonly string[], opts: SectionOptions & { concurrency?: number }): Promise<FleetReport> {
  const checkedAt = new Date((opts.now ?? systemClock.now)()).toISOString();
  const environments = await bounded(names, opts.concurrency ?? FLEET_CONCURRENCY, (n) => checkSection(n, opts));
  const status = environments.reduce<Severity>((w, s) => (SEVERITY_RANK[s.status] > SEVERITY_RANK[w] ? s.status : w), 'ok');
  const summary: Record<Severity, number> = { ok: 0, warn: 0, crit: 0, unknown: 0 };
  for (const s of environments) summary[s.status]++;
  return { version: 1, kind: 'fleet', checkedAt, status, exitCode: EXIT_BY_SEVERITY[status], summary, environments };
}

/**
 * The config's environment names. With `--demo` the config is read only when
 * named with --config (as for the demo's notify targets): the sandbox needs none.
 */
export async function configuredNames(config: string | undefined, demo: boolean, processEnv: NodeJS.ProcessEnv): Promise<string[]> {
  if (demo && config === undefined) return [];
  const { loadConfig } = await import('../config/load.js');
  try {
    return Object.keys(loadConfig({ explicit: config, env: processEnv, cwd: process.cwd(), home: homedir() }).config.environments);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
    throw err;
  }
}

type Paint = Parameters<typeof formatText>[1] & {};
const WORD: Record<Severity, string> = { ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKNOWN' };
const ORDER: Severity[] = ['crit', 'unknown', 'warn', 'ok'];

function fleetCounts(r: FleetReport): string {
  return ORDER.filter((s) => r.summary[s] > 0).map((s) => `${r.summary[s]} ${WORD[s].toLowerCase()}`).join(', ');
}

function sectionHead(s: FleetSection): string {
  const who = s.identity ? ` · ${oneLine(s.identity)}` : '';
  return `${SEVERITY_GLYPH[s.status]} ${oneLine(s.environment)} · ${WORD[s.status]}${who}`;
}

/** One section per environment, each the single-environment checklist, then the fleet's verdict. */
export function formatFleetText(r: FleetReport, paint: Paint = NO_PAINT): string {
  const out = [paint.bold(`opsdeck check · fleet of ${r.environments.length} · ${utc(r.checkedAt)}`), ''];
  for (const s of r.environments) {
    out.push(paint[s.status](paint.bold(`── ${sectionHead(s)}`)));
    if (s.error !== undefined) out.push(`  ${paint.unknown(SEVERITY_GLYPH.unknown)} ${oneLine(s.error)}`, '');
    if (s.report) out.push(formatText(s.report, paint));
  }
  out.push(paint[r.status](`FLEET ${WORD[r.status]}: ${fleetCounts(r)}`));
  return out.join('\n') + '\n';
}

function formatFleetMarkdown(r: FleetReport): string {
  const md = (t: string) => oneLine(t).replace(/([\\`*_|[\]<>#])/g, '\\$1');
  const out = [`# opsdeck check: fleet — ${WORD[r.status]}`, '', `**${fleetCounts(r)}** · checked ${utc(r.checkedAt)}`, ''];
  for (const s of r.environments) {
    if (s.report) out.push(formatMarkdown(s.report));
    else out.push(`## opsdeck check: ${md(s.environment)} — ${WORD[s.status]}`, '', `${SEVERITY_GLYPH.unknown} ${md(s.error ?? '')}`, '');
  }
  return out.join('\n');
}

export function formatFleet(r: FleetReport, format: ReportFormat, paint: Paint = NO_PAINT): string {
  // as formatJson: outside text as it came, escaped, secrets masked
  if (format === 'json') return escapeJsonText(redact(JSON.stringify(r, null, 2))) + '\n';
  return format === 'markdown' ? formatFleetMarkdown(r) : formatFleetText(r, paint);
}
