/**
 * The config `opsdeck init` writes from a discovery: one environment, in the
 * commented style of examples/opsdeck.yaml, so the file explains itself to
 * whoever opens it next. What was found but not chosen (or cannot be watched
 * as it stands) stays in the file as commented entries to switch on later;
 * Redis, PostgreSQL and HTTP probes, which discovery cannot see, are
 * commented examples to fill in.
 */
import { oneLine } from '../../text/sanitize.js';
import { databaseLabel, servicesLabel, type DiscoveredCluster, type DiscoveredDatabase, type DiscoveredLogGroup, type Discovery } from './discover.js';

export interface InitChoice {
  /** the environment's name in the config */
  environment: string;
  protected: boolean;
  region?: string | undefined;
  profile?: string | undefined;
  clusters: DiscoveredCluster[];
  databases: DiscoveredDatabase[];
  logGroups: DiscoveredLogGroup[];
}

/** Environment names the config accepts. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+$/;
const SHOWN_SERVICES = 8;

/**
 * A YAML scalar that reads back as exactly `s`, with `${` kept literal (the
 * config interpolates it). Plain when unmistakable, else a JSON string, which
 * YAML reads as a double-quoted scalar. No YAML library: this module is in the
 * CLI's start-up bundle.
 */
export function scalar(s: string): string {
  const literal = s.replace(/\$\{/g, () => '$${');
  const plain = /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(literal) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(literal);
  return plain ? literal : JSON.stringify(literal);
}

/** Outside text in a comment: one line, nothing that could end the comment. */
const note = (s: string, max = 160) => oneLine(s, max);

export function renderConfig(d: Discovery, c: InitChoice, now: number): string {
  const when = new Date(now).toISOString().slice(0, 16).replace('T', ' ');
  const region = c.region ?? d.region;
  const out: string[] = [
    '# opsdeck config, written by `opsdeck init` from a read-only look at',
    `# AWS account ${note(d.account)}${region ? ` in ${note(region)}` : ''} on ${when} UTC (as ${note(d.arn)}).`,
    '# Nothing in the account was changed. Edit freely: opsdeck only reads this file.',
    '#',
    '# Check it with:          opsdeck config validate',
    '# The morning checklist:  opsdeck check',
    '# The dashboard:          opsdeck',
    '#',
    '# Secrets stay out of this file: ${VAR} is replaced by the environment variable',
    '# VAR, ${VAR:-default} falls back to a default, and $${VAR} is a literal "${VAR}".',
    '',
    'environments:',
    `  ${c.environment}:`,
  ];
  const env = (lines: string[]) => out.push(...lines.map((l) => (l ? `    ${l}` : '')));

  env(
    c.protected
      ? ['# Confirmations must type "' + c.environment + '/<target>", and the session is read-only unless --write.', 'protected: true']
      : ['# true: confirmations type "' + c.environment + '/<target>", and the session is read-only unless --write.', 'protected: false'],
  );
  const aws = [region ? `region: ${scalar(region)}` : '', c.profile ? `profile: ${scalar(c.profile)}` : ''].filter(Boolean);
  env(['# Omit a key to use the AWS SDK defaults (AWS_REGION, AWS_PROFILE, instance role).', ...(aws.length ? ['aws:', ...aws.map((a) => `  ${a}`)] : ['# aws: { region: us-east-1, profile: prod }']), '']);

  env(ecsSection(d, c));
  env(rdsSection(d, c));
  env(logsSection(d, c));
  env(examples());
  return out.join('\n').replace(/\n+$/, '\n');
}

function ecsSection(d: Discovery, c: InitChoice): string[] {
  const left = d.clusters.filter((x) => !c.clusters.includes(x));
  const lines: string[] = [];
  if (c.clusters.length === 0) {
    lines.push(d.clusters.length ? '# No ECS cluster was chosen; uncomment one below to watch it.' : '# No ECS cluster was found in this region.', 'ecs: []');
  } else {
    lines.push('# Without a `services` list every service of the cluster is watched, new ones included.', 'ecs:');
    for (const cl of c.clusters) {
      const names = cl.services.map((s) => s.name);
      const shown = names.slice(0, SHOWN_SERVICES).join(', ') + (names.length > SHOWN_SERVICES ? `, … (${names.length - SHOWN_SERVICES} more)` : '');
      lines.push(`  # ${servicesLabel(cl)}${names.length ? `: ${note(shown, 200)}` : ''}`, `  - cluster: ${scalar(cl.name)}`);
      if (names.length) lines.push(`    # services: [${note(names.slice(0, 3).join(', '))}]`);
    }
    lines.push(
      '  # A topology rule: a service may run more than one task only while the named',
      '  # entry is healthy (e.g. a worker that keeps state in memory without Redis):',
      '  #   singleInstanceUnless: redis:jobs',
    );
  }
  for (const cl of left) lines.push(`  # - cluster: ${scalar(cl.name)}    # ${servicesLabel(cl)}, left out at init`);
  return [...lines, ''];
}

function rdsSection(d: Discovery, c: InitChoice): string[] {
  const left = d.databases.filter((x) => !c.databases.includes(x));
  const lines: string[] = [];
  if (c.databases.length === 0) {
    lines.push(d.databases.length ? '# No RDS instance was chosen.' : '# No RDS instance was found in this region.', 'rds: []');
  } else {
    lines.push('rds:');
    c.databases.forEach((db, i) => {
      lines.push(`  # ${databaseLabel(db)}`, `  - instance: ${scalar(db.id)}`);
      if (i > 0) return;
      lines.push(
        '    # The backup drill restores the newest snapshot to a NEW instance and checks it:',
        '    # drill:',
        '    #   database: app',
        '    #   user: ${DRILL_DB_USER}',
        '    #   password: ${DRILL_DB_PASSWORD}',
        '    #   tables: [users, orders]',
      );
    });
  }
  for (const db of left) lines.push(`  # - instance: ${scalar(db.id)}    # ${db.unsupported ? note(db.unsupported) : `${databaseLabel(db)}, left out at init`}`);
  return [...lines, ''];
}

function groupNote(g: DiscoveredLogGroup): string {
  if (g.usedBy.length === 0) return '';
  const users = g.usedBy.slice(0, 3).join(', ') + (g.usedBy.length > 3 ? `, … (${g.usedBy.length - 3} more)` : '');
  return `written by ${note(users, 200)}`;
}

function logsSection(d: Discovery, c: InitChoice): string[] {
  const left = d.logGroups.filter((x) => !c.logGroups.includes(x));
  const lines: string[] = [];
  if (c.logGroups.length === 0) {
    lines.push(d.logGroups.length ? '# No log group was chosen.' : '# No log group was found in this region.', 'logs: []');
  } else {
    lines.push(
      '# A filter pattern narrows the tail to matching lines (CloudWatch syntax), and the',
      '# error check then counts them per minute. Quote it: a leading "?" is YAML syntax.',
      '#   filterPattern: "?ERROR ?Exception"',
      'logs:',
    );
    for (const g of c.logGroups) {
      const why = groupNote(g);
      if (why) lines.push(`  # ${why}`);
      lines.push(`  - group: ${scalar(g.name)}`);
    }
  }
  for (const g of left) {
    const why = g.otherRegion ? `in region ${note(g.otherRegion)}, not this one` : !g.exists ? 'named by a task definition but not found in this region' : 'left out at init';
    lines.push(`  # - group: ${scalar(g.name)}    # ${[groupNote(g), why].filter(Boolean).join('; ')}`);
  }
  if (d.moreLogGroups) lines.push('  # The region has more log groups than init lists; add others by name.');
  return [...lines, ''];
}

function examples(): string[] {
  return [
    '# Discovery cannot see these; fill them in and uncomment.',
    '#',
    '# Redis: ping, memory and clients, and the job queues in it. flavor tells opsdeck',
    '# which keys the library uses: bullmq, rq, sidekiq, list, zset or stream.',
    '# redis:',
    '#   - name: jobs',
    '#     url: ${REDIS_URL}',
    '#     queues:',
    '#       - { name: emails, flavor: bullmq }',
    '#',
    '# PostgreSQL: latency, connections against max_connections, long and blocked',
    '# queries. Use a role that may read pg_stat_activity.',
    '# postgres:',
    '#   - name: primary',
    '#     url: ${DATABASE_URL}',
    '#     # cancel a query / terminate a session (K / T); a role with pg_signal_backend',
    '#     admin: ${DATABASE_ADMIN_URL}',
    '#',
    '# HTTP health probes: status, latency, and the deployed version from a JSON body.',
    '# http:',
    '#   - name: api',
    '#     url: https://example.com/health',
    '#     timeoutMs: 5000',
    '#     expect: { status: 200 }',
  ];
}
