/**
 * Change a service's environment variables: register the next revision of
 * its family, a copy of the revision it runs with one container's variables
 * set or removed, then deploy it. The plan, the journal and every error
 * carry names only ("changed", never the value): plain variables hold
 * tokens as often as secrets do. Variables injected from `secrets`
 * (valueFrom) are refused: opsdeck does not change secrets.
 */
import type { EnvVariable, ContainerEnvironment } from '../../model/envVars.js';
import type { EcsDeployment } from '../../model/ecs.js';
import type { ActionDefinition, Plan, PlanChange } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { changesNothing, diffCounts, envDiff, type EnvDiff } from './envDiff.js';
import { checkContainerName, checkEdit } from './envInput.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, judgeDeployment, primary, target, waitForService, where, type EcsActionContext, type ServiceArgs } from './context.js';

export interface SetEnvArgs extends ServiceArgs {
  set: readonly EnvVariable[];
  unset: readonly string[];
  /** the container whose variables change; absent: the first essential one */
  container?: string;
  verifyTimeoutMs?: number;
}

export interface SetEnvParams {
  cluster: string;
  /** family:revision the copy is made of: the one the service ran at plan time */
  from: string;
  container: string;
  set: readonly EnvVariable[];
  unset: readonly string[];
  /** the PRIMARY deployment when the plan was made; the new revision starts another */
  before: string;
  /** the lowest number the new revision can have: above every revision of the family at plan time */
  next: number;
}

const fingerprintOf = (s: { taskDefinition: string }) => JSON.stringify({ taskDefinition: s.taskDefinition });

const revisionOf = (ref: string) => Number(ref.slice(ref.lastIndexOf(':') + 1));
const familyOf = (ref: string) => ref.slice(0, ref.lastIndexOf(':'));

/** The container set-env changes when none is named: the first essential one, as the one the service exists for. */
export function defaultContainer(containers: readonly ContainerEnvironment[]): ContainerEnvironment | undefined {
  return containers.find((c) => c.essential) ?? containers[0];
}

function pickContainer(containers: readonly ContainerEnvironment[], asked: string | undefined, from: string): { container?: ContainerEnvironment; refusal?: string } {
  const names = containers.map((c) => c.name).join(', ');
  if (asked === undefined) {
    const container = defaultContainer(containers);
    return container ? { container } : { refusal: `${from} has no container` };
  }
  const container = containers.find((c) => c.name === asked);
  return container ? { container } : { refusal: `${from} has no container "${asked}" (its containers: ${names})` };
}

function refusalOf(diff: EnvDiff, c: ContainerEnvironment, from: string, names: readonly string[]): string | undefined {
  const secret = names.filter((n) => c.secretNames.includes(n));
  if (secret.length) {
    return `${secret.join(', ')} ${secret.length === 1 ? 'comes' : 'come'} from secrets (valueFrom) in container ${c.name} of ${from}: opsdeck doesn't change secrets; change the secret in Secrets Manager / SSM, or the task definition itself`;
  }
  if (diff.notSet.length) return `${diff.notSet.join(', ')} ${diff.notSet.length === 1 ? 'is' : 'are'} not set in container ${c.name} of ${from}: nothing to remove (a typo?)`;
  if (changesNothing(diff)) return `nothing changes: ${diff.same.join(', ')} already ${diff.same.length === 1 ? 'has' : 'have'} that value in container ${c.name} of ${from}`;
  return undefined;
}

/** One change line per variable, values replaced by what happens to them. */
function variableChanges(diff: EnvDiff): PlanChange[] {
  return [
    ...diff.added.map((n) => ({ field: `env ${n}`, before: 'unset', after: 'added (value not shown)' })),
    ...diff.changed.map((n) => ({ field: `env ${n}`, before: 'set', after: 'changed (value not shown)' })),
    ...diff.removed.map((n) => ({ field: `env ${n}`, before: 'set', after: 'removed' })),
  ];
}

/** Scrubs what the operator typed as values out of an error a service sent back, should it quote the request. */
function withoutValues(message: string, set: readonly EnvVariable[]): string {
  let out = message;
  // shorter values are words ("on", "1") the message has of its own; they reveal nothing
  for (const v of [...set].sort((a, b) => b.value.length - a.value.length)) if (v.value.length >= 4) out = out.split(v.value).join('***');
  return out;
}

export const setEnvAction: ActionDefinition<SetEnvArgs, EcsActionContext, SetEnvParams> = {
  id: 'set-env',
  title: "Change a service's environment",
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<SetEnvParams>> {
    checkEdit(args.set, args.unset);
    if (args.container !== undefined) checkContainerName(args.container);
    const control = ctx.ecs.taskDefinitions;
    if (!control) throw new Error('this backend cannot register task definitions');
    const svc = await ctx.ecs.service(args.cluster, args.service, signal);
    const from = svc.taskDefinition;
    const [containers, revisions] = await Promise.all([control.environment(from, signal), ctx.ecs.revisions(svc.family, signal)]);
    const picked = pickContainer(containers, args.container, from);
    const c = picked.container;
    const names = [...args.set.map((v) => v.name), ...args.unset];
    const diff = envDiff(c?.environment ?? [], args.set, args.unset);
    const refusal = picked.refusal ?? refusalOf(diff, c!, from, names);
    const newest = Math.max(svc.revision, ...revisions.map(revisionOf));
    const next = `${svc.family}:${newest + 1}`;
    const container = c?.name ?? args.container ?? '?';

    const details = ['Values are not shown, journaled or exported: the plan names the variables only.'];
    if (containers.length > 1 && args.container === undefined) details.push(`container ${container} (the first essential one of ${containers.map((x) => x.name).join(', ')}; --container or @name picks another)`);
    if (diff.same.length) details.push(`${diff.same.join(', ')} already ${diff.same.length === 1 ? 'has' : 'have'} that value: kept as is`);
    if (c?.environmentFiles) details.push(`${container} also reads ${c.environmentFiles} environment file${c.environmentFiles === 1 ? '' : 's'} (S3), not read here; a variable set here wins over the same name in a file`);
    if (newest > revisionOf(from)) details.push(`${svc.family}:${newest} is newer than ${from}, the revision the service runs; the copy is made of ${from}`);
    if (svc.rollout === 'IN_PROGRESS') details.push('A deployment is still under way: this starts another one, which replaces it.');
    details.push(`Tasks are replaced under the service's deployment configuration; ${from} stays registered, so a rollback to it undoes this.`);

    const tier = 'destructive';
    return {
      action: 'set-env',
      title: `Set environment of ${ctx.env.name}/${args.service} (${container})`,
      tier,
      environment: ctx.env.name,
      target: target(ctx, args),
      summary: c
        ? `${where(ctx, args)}: container ${container} of ${from}: ${diffCounts(diff)}; registers ${next} and deploys it; desired ${svc.desired}, running ${svc.running}`
        : `${where(ctx, args)}: ${from} has no container ${container} to change`,
      changes: [{ field: 'taskDefinition', before: from, after: `${next} (new)` }, ...(c ? variableChanges(diff) : [])],
      calls: [
        { api: 'ecs:RegisterTaskDefinition', params: { family: svc.family, copyOf: from, container, added: diff.added, changed: diff.changed, removed: diff.removed } },
        { api: 'ecs:UpdateService', params: { cluster: args.cluster, service: args.service, taskDefinition: next } },
      ],
      details,
      phrase: confirmationPhrase(tier, ctx.env, args.service),
      fingerprint: fingerprintOf(svc),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      params: { cluster: args.cluster, from, container, set: args.set, unset: args.unset, before: primary(svc)?.id ?? '', next: newest + 1 },
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await ctx.ecs.service(plan.params.cluster, plan.target.name, signal));
  },

  async execute(ctx, plan, signal, _children, progress) {
    const { cluster, from, container, set, unset } = plan.params;
    const control = ctx.ecs.taskDefinitions;
    if (!control) throw new Error('this backend cannot register task definitions');
    let registered: Awaited<ReturnType<typeof control.registerEdited>>;
    try {
      registered = await control.registerEdited(from, { container, set, unset }, signal);
    } catch (err) {
      throw new Error(withoutValues(`RegisterTaskDefinition (a copy of ${from}) failed: ${err instanceof Error ? err.message : String(err)}`, set));
    }
    const ids = registered.requestId ? [registered.requestId] : [];
    // a crash from here on leaves a revision nothing runs: the journal says which
    await progress?.(`registered ${registered.ref} (a copy of ${from}); UpdateService next`, { registered: registered.ref, from });
    try {
      const res = await ctx.ecs.updateService(cluster, plan.target.name, { taskDefinition: registered.ref }, signal);
      if (res.requestId) ids.push(res.requestId);
    } catch (err) {
      const why = withoutValues(err instanceof Error ? err.message : String(err), set);
      throw new Error(`registered ${registered.ref}, but UpdateService failed: ${why}; ${plan.target.name} still runs ${from} (${registered.ref} is left registered, unused)`);
    }
    return { requestIds: ids, detail: `RegisterTaskDefinition ${registered.ref} (a copy of ${from}); UpdateService taskDefinition=${registered.ref} accepted` };
  },

  verify(ctx, plan, onProgress, signal) {
    const { from, before, next } = plan.params;
    // the revision registered is numbered above every one the plan saw (a draining deployment of a newer revision is not it)
    const isNew = (d: EcsDeployment) => d.id !== before && familyOf(d.taskDefinition) === familyOf(from) && revisionOf(d.taskDefinition) >= next;
    return waitForService(ctx, plan, judgeDeployment(plan.target.display, isNew), onProgress, signal);
  },
};
