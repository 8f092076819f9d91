/**
 * set-env on the real ECS API: a revision's variables (values included, for
 * the diff; taskDefinitions.ts, which the panels and rollback read, keeps
 * names only), and RegisterTaskDefinition of an edited copy. The copy carries
 * every field RegisterTaskDefinition accepts, as DescribeTaskDefinition gave
 * it: a field left behind would silently change the service (its roles, its
 * volumes, its platform) along with the variables.
 */
import type { KeyValuePair, RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { TaskDefinitionControl } from '../ports.js';
import { applyEnvironmentEdit, type ContainerEnvironment, type EnvironmentEdit, type EnvVariable } from '../../model/envVars.js';
import { send, type AwsContext } from './clients.js';

/** The task-level fields copied as they are (the containers and tags are handled apart). */
const COPIED = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const satisfies readonly (keyof RegisterTaskDefinitionCommandInput & keyof TaskDefinition)[];

// A newer SDK whose RegisterTaskDefinition takes a field not listed above fails to compile here, instead of dropping it.
type NotCopied = Exclude<keyof RegisterTaskDefinitionCommandInput, (typeof COPIED)[number] | 'containerDefinitions' | 'tags'>;
export const EVERY_REGISTER_FIELD_COPIED: [NotCopied] extends [never] ? true : NotCopied = true;

async function describe(ctx: AwsContext, ref: string, signal: AbortSignal): Promise<{ td: TaskDefinition; tags: Tag[] }> {
  const out = await send(ctx, 'ecs', (ecs) => new ecs.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }), signal);
  if (!out.taskDefinition) throw new Error(`ECS returned no task definition for ${ref}`);
  return { td: out.taskDefinition, tags: out.tags ?? [] };
}

const variables = (env: readonly KeyValuePair[] | undefined): EnvVariable[] => (env ?? []).filter((e) => e.name).map((e) => ({ name: e.name!, value: e.value ?? '' }));

/** The input that registers `td` again with one container's variables edited. */
export function editedRegistration(td: TaskDefinition, tags: readonly Tag[], edit: EnvironmentEdit): RegisterTaskDefinitionCommandInput {
  const containers = td.containerDefinitions ?? [];
  if (!containers.some((c) => c.name === edit.container)) throw new Error(`${td.family}:${td.revision} has no container ${edit.container}`);
  const input: RegisterTaskDefinitionCommandInput = {
    family: td.family,
    containerDefinitions: containers.map((c) => (c.name === edit.container ? { ...c, environment: applyEnvironmentEdit(variables(c.environment), edit) } : c)),
  };
  const copy = input as unknown as Record<string, unknown>;
  for (const key of COPIED) if (td[key] !== undefined) copy[key] = td[key];
  // aws: tags belong to AWS (CloudFormation puts them there) and RegisterTaskDefinition refuses them
  const own = tags.filter((t) => t.key && !t.key.toLowerCase().startsWith('aws:'));
  if (own.length) input.tags = own;
  return input;
}

export function awsTaskDefinitionControl(ctx: AwsContext): TaskDefinitionControl {
  return {
    async environment(ref, signal): Promise<ContainerEnvironment[]> {
      const { td } = await describe(ctx, ref, signal);
      return (td.containerDefinitions ?? []).map((c) => ({
        name: c.name ?? '',
        essential: c.essential ?? true,
        environment: variables(c.environment),
        secretNames: (c.secrets ?? []).map((s) => s.name ?? '').filter(Boolean),
        environmentFiles: c.environmentFiles?.length ?? 0,
      }));
    },

    async registerEdited(ref, edit, signal) {
      const { td, tags } = await describe(ctx, ref, signal);
      const out = await send(ctx, 'ecs', (ecs) => new ecs.RegisterTaskDefinitionCommand(editedRegistration(td, tags, edit)), signal);
      const registered = out.taskDefinition;
      if (!registered?.family || registered.revision === undefined) throw new Error(`ECS registered a revision of ${td.family} but did not say which`);
      const requestId = out.$metadata.requestId;
      return { ref: `${registered.family}:${registered.revision}`, ...(requestId ? { requestId } : {}) };
    },
  };
}
