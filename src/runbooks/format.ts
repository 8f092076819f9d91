/**
 * The runbook file: a named, ordered list of steps. Each step is exactly one
 * of check, action, wait, note, ask or incident, optionally repeated for each
 * writer service / database / queue, and optionally guarded by a `when` on an
 * earlier step's result. The schema is strict: a misspelt key is an error that
 * names it, not a step silently skipped at 3 a.m.
 */
import { z } from 'zod';

const STEP_ID = /^[a-z][a-z0-9-]{0,62}$/;
const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h)$/;

const duration = z.string().regex(DURATION, 'a duration like 30s, 10m or 1h');

/** A finding the checks engine produces (its check id), optionally only about one subject ("api", "demo/api"). */
const findingRef = z
  .object({
    finding: z.string().min(1).describe('a check id, e.g. ecs.running-below-desired'),
    subject: z.string().min(1).optional().describe('only findings whose subject ends with this, e.g. a service name'),
    severity: z.enum(['warn', 'crit', 'unknown']).optional().describe('only at or above this severity (default: anything but ok)'),
  })
  .strict();

const condition = z.union([
  findingRef.extend({ present: z.literal(true) }).strict(),
  findingRef.extend({ absent: z.literal(true) }).strict(),
  z
    .object({ service: z.string().min(1), running: z.number().int().min(0) })
    .strict()
    .describe('an ECS service runs exactly this many tasks'),
]);

const when = z.union([
  z.object({ step: z.string().regex(STEP_ID), outcome: z.enum(['done', 'skipped', 'failed']) }).strict(),
  z.object({ step: z.string().regex(STEP_ID), answer: z.string().min(1) }).strict(),
]);

/** What a step may be repeated over, read from the environment's config. */
export const FOR_EACH = ['writers', 'databases', 'queues'] as const;
export type ForEach = (typeof FOR_EACH)[number];

/** The guarded actions a runbook may call (see steps.ts for their parameters). */
export const RUNBOOK_ACTIONS = [
  'scale',
  'rollback',
  'redeploy',
  'autoscaling-suspend',
  'autoscaling-resume',
  'set-env',
  'stop-task',
  'snapshot',
  'restore-pitr',
  'requeue',
  'delete-jobs',
  'queue-pause',
  'queue-resume',
  'pg-cancel',
  'pg-terminate',
] as const;
export type RunbookActionName = (typeof RUNBOOK_ACTIONS)[number];

const common = {
  id: z.string().regex(STEP_ID, 'a step id is lower case letters, digits and dashes, starting with a letter'),
  title: z.string().min(1).max(200).optional(),
  when: when.optional(),
  forEach: z
    .union([z.enum(FOR_EACH), z.object({ finding: z.string().min(1) }).strict().describe('every subject (a service, a queue…) with this finding now')])
    .optional(),
};

const param = z.union([z.string().max(500), z.number(), z.boolean()]);

const stepSchema = z.union([
  z
    .object({ ...common, check: condition, onFail: z.enum(['stop', 'continue']).default('stop') })
    .strict(),
  z
    .object({
      ...common,
      action: z.enum(RUNBOOK_ACTIONS),
      with: z.record(z.string(), param).default({}),
      onFail: z.enum(['stop', 'continue']).default('stop'),
      background: z.boolean().default(false).describe('go on once the call is accepted; its verification (a snapshot becoming available) is awaited at the end of the run'),
    })
    .strict(),
  z.object({ ...common, wait: condition, timeout: duration, every: duration.default('10s') }).strict(),
  z.object({ ...common, note: z.string().min(1).max(2000) }).strict(),
  z
    .object({ ...common, ask: z.string().min(1).max(500), choices: z.array(z.string().min(1).max(40)).min(2).max(9).default(['yes', 'no']) })
    .strict(),
  z.object({ ...common, incident: z.string().min(1).max(200).describe('opens an incident with this title when none is open') }).strict(),
]);

export const runbookSchema = z
  .object({
    name: z.string().regex(STEP_ID, 'a runbook name is lower case letters, digits and dashes'),
    title: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    steps: z.array(stepSchema).min(1).max(100),
  })
  .strict()
  .superRefine((rb, ctx) => {
    const seen = new Set<string>();
    rb.steps.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id "${s.id}" is used twice` });
      if (s.when && !seen.has(s.when.step)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'when', 'step'], message: `"when" names step "${s.when.step}", which does not come before it` });
      seen.add(s.id);
    });
  });

export type Runbook = z.output<typeof runbookSchema>;
export type Step = Runbook['steps'][number];
export type Condition = z.output<typeof condition>;
export type When = z.output<typeof when>;

export type StepKind = 'check' | 'action' | 'wait' | 'note' | 'ask' | 'incident';

export function stepKind(step: Step): StepKind {
  if ('check' in step) return 'check';
  if ('action' in step) return 'action';
  if ('wait' in step) return 'wait';
  if ('note' in step) return 'note';
  if ('ask' in step) return 'ask';
  return 'incident';
}

/** The JSON Schema shipped as schema/runbook.schema.json, for editors. */
export function runbookJsonSchemaText(): string {
  const generated = z.toJSONSchema(runbookSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const doc = { $schema, $id: 'urn:opsdeck:runbook', title: 'opsdeck runbook', description: 'Named, ordered steps — check, action, wait, note, ask, incident — planned and confirmed as a whole.', ...rest };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
