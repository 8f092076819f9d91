/**
 * The shape of `opsdeck check --format json`, as a zod schema (to validate a
 * report) and as the JSON Schema shipped in schema/check-report.schema.json
 * for whoever consumes the report. Not imported by the check command itself:
 * zod is loaded only where a document is validated.
 */
import { z } from 'zod';
import { PANEL_IDS } from '../model/panels.js';
import { SUBJECT_KINDS } from '../model/subjects.js';

const CHECK_REPORT_SCHEMA_ID = 'urn:opsdeck:check-report';

const severity = z.enum(['ok', 'warn', 'crit', 'unknown']);
const isoTime = z.iso.datetime().describe('UTC time, ISO 8601');

// the exact request the suggested action runs, by action; target and label say it in words
const suggestion = <A extends string, S extends z.ZodRawShape>(action: A, request: S) =>
  z
    .object({
      action: z.literal(action).describe('the guarded action that addresses the finding'),
      ...request,
      target: z.string().min(1).describe('what the action acts on: a service, an RDS instance or a queue name'),
      label: z.string().min(1).describe('the suggestion in words'),
    })
    .strict();
const name = z.string().min(1);
const service = { cluster: name.describe('the ECS cluster'), service: name.describe('the ECS service') };
const suggested = z.discriminatedUnion('action', [
  suggestion('scale', { ...service, desired: z.number().int().min(0).describe('the desired count to scale to') }),
  suggestion('rollback', { ...service, to: z.literal('last-good').optional().describe('the last known good revision rather than the previous one') }),
  suggestion('redeploy', service),
  suggestion('snapshot', { instance: name.describe('the RDS instance') }),
  suggestion('restore', { instance: name.describe('the RDS instance'), snapshot: name.describe('the snapshot to restore to a new instance') }),
  suggestion('requeue', { redis: name.describe('the Redis entry of the config'), queue: name.describe('the queue') }),
]);

const ref = z
  .object({
    kind: z.enum(SUBJECT_KINDS).describe('what sort of thing the subject is; `panel` when a whole panel could not be read'),
    name: z.string().min(1).describe('its name as the system spells it (service, RDS instance id, queue, Redis / database / probe name, panel id)'),
    cluster: z.string().min(1).optional().describe('the ECS cluster of a service: always present for `ecs-service`'),
    redis: z.string().min(1).optional().describe('the configured Redis of a queue: always present for `queue`'),
  })
  .strict()
  .describe('the subject as fields: with `kind` and its qualifiers it is unique in the environment');

const finding = z
  .object({
    checkId: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/).describe('stable id of the check, e.g. "ecs.running-below-desired"'),
    severity,
    subject: z.string().min(1).describe('the subject in words: ENV/NAME, ENV/REDIS/QUEUE for a queue, ENV/CLUSTER/NAME for a service whose name two clusters use'),
    ref,
    area: z.enum(PANEL_IDS).describe('the panel the check belongs to'),
    message: z.string().min(1),
    figure: z.string().optional().describe('the number behind the verdict, e.g. "2/3 running"'),
    suggested: suggested.optional(),
  })
  .strict();

const count = z.number().int().min(0);

const checkReportSchema = z
  .object({
    version: z.literal(1).describe('version of this document shape'),
    environment: z.string().min(1),
    checkedAt: isoTime,
    window: z
      .object({
        from: isoTime,
        to: isoTime,
        basis: z.enum(['flag', 'last-run', 'first-run', 'default']).describe('where the window starts: --since, the last checklist run, a first run (24 h), or the 15-minute default'),
        partial: z.boolean().optional().describe('true when the log read stopped before the end of the window (read cap, timeout or sampling): its counts are a lower bound, and the window is not moved'),
        moved: z.boolean().optional().describe('true when this run is where the next checklist starts counting; false after a --since run, a run with unknown checks, a partial log read or a failed write; absent when nothing is remembered (the sandbox)'),
      })
      .strict()
      .describe('what "overnight" errors and failed tasks are counted over'),
    status: severity.describe('the worst finding: crit > unknown > warn > ok'),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).describe('0 ok, 1 warn, 2 crit, 3 unknown'),
    summary: z.object({ ok: count, warn: count, crit: count, unknown: count }).strict(),
    findings: z.array(finding),
    notes: z.array(z.string()).describe('remarks on the run, e.g. a threshold subject that matched nothing'),
  })
  .strict()
  .superRefine((r, ctx) => {
    r.findings.forEach((f, i) => {
      if (f.ref.kind === 'ecs-service' && f.ref.cluster === undefined) ctx.addIssue({ code: 'custom', path: ['findings', i, 'ref', 'cluster'], message: 'a service is named with its cluster' });
      if (f.ref.kind === 'queue' && f.ref.redis === undefined) ctx.addIssue({ code: 'custom', path: ['findings', i, 'ref', 'redis'], message: 'a queue is named with its Redis' });
    });
    // the summary and the status are derived from the findings: a report where they disagree is corrupt
    for (const s of severity.options) {
      const n = r.findings.filter((f) => f.severity === s).length;
      if (r.summary[s] !== n) ctx.addIssue({ code: 'custom', path: ['summary', s], message: `says ${r.summary[s]}, the findings have ${n}` });
    }
  });

const section = z
  .object({
    environment: z.string().min(1),
    status: severity.describe('the environment\'s worst finding; unknown when it could not be opened or reached'),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
    account: z.string().optional().describe('the AWS account, when the environment uses AWS'),
    identity: z.string().optional().describe('the caller\'s ARN: the assumed role\'s when aws.assumeRole is set'),
    error: z.string().min(1).optional().describe('why there is no report: the environment could not be opened, or its AWS identity not confirmed'),
    report: checkReportSchema.optional().describe('the environment\'s checklist, as `check --env NAME --format json` prints it'),
  })
  .strict()
  .refine((s) => (s.error === undefined) !== (s.report === undefined), { message: 'a section holds either a report or an error' });

const fleetReportSchema = z
  .object({
    version: z.literal(1),
    kind: z.literal('fleet').describe('`check --env all` or `--env a,b`: a section per environment'),
    checkedAt: isoTime,
    status: severity.describe('the worst section: crit > unknown > warn > ok'),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).describe('the worst section\'s: 0 ok, 1 warn, 2 crit, 3 unknown'),
    summary: z.object({ ok: count, warn: count, crit: count, unknown: count }).strict().describe('environments by verdict'),
    environments: z.array(section).min(1),
  })
  .strict();

// a single environment's report has no `kind`: documents written before fleets stay valid
const anyReportSchema = z.union([checkReportSchema, fleetReportSchema]);

/** Validates a parsed report (one environment's or a fleet's); returns the problems, one line each (empty when valid). */
export function reportProblems(doc: unknown): string[] {
  // chosen by kind rather than through the union, so a problem is named at its field
  const fleet = typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'fleet';
  const r = (fleet ? fleetReportSchema : checkReportSchema).safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
}

export function checkReportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(anyReportSchema, {
    target: 'draft-07',
    override: (ctx) => {
      // "format": "date-time" says it; zod's spelled-out regex only makes the file unreadable
      if (ctx.jsonSchema.format === 'date-time') delete ctx.jsonSchema.pattern;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CHECK_REPORT_SCHEMA_ID,
    title: 'opsdeck check report',
    description: 'The output of `opsdeck check --format json`: every finding of one run of the checks, with the verdict and the exit code; with `--env all` or a list, a fleet report (`kind: fleet`) with one such report per environment.',
    ...rest,
  };
}

/** The exact text of schema/check-report.schema.json. */
export function checkReportJsonSchemaText(): string {
  return `${JSON.stringify(checkReportJsonSchema(), null, 2)}\n`;
}
