/**
 * A small task-definition registry. The rollback action diffs two revisions,
 * set-env registers an edited copy of one, and the sandbox decides from a revision whether its tasks can start at all
 * (the bad-deploy scenario ships an image whose required secret is misspelt).
 */
import { deepFreeze } from './prng.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export interface TaskContainer {
  name: string;
  image: string;
  essential: boolean;
  /** plain environment variables, name → value */
  environment: Record<string, string>;
  /** names of variables injected from Secrets Manager / SSM (values are never shown) */
  secrets: string[];
}

export interface TaskDefinition {
  family: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  registeredAt: number;
  /** task-level CPU units and memory in MiB, as in the ECS console */
  cpu: number;
  memory: number;
  containers: TaskContainer[];
}

export interface RevisionChanges {
  /** start from this revision instead of the latest */
  from?: number;
  /** full image reference, or just a tag applied to the current image */
  image?: string;
  /** set a variable, or remove it with null */
  environment?: Record<string, string | null>;
  /** the container `environment` applies to (set-env); absent: every container */
  container?: string;
  secrets?: { add?: string[]; remove?: string[] };
  cpu?: number;
  memory?: number;
}

/** What each application image needs to boot; a revision lacking one of these crashes on start. */
const IMAGE_REQUIRES: Record<string, string[]> = {
  'demo-api:2.14.2': ['DATABASE_URL', 'REDIS_URL', 'PAYMENTS_API_KEY', 'PAYMENTS_WEBHOOK_SECRET'],
  'demo-api:2.15.0': ['DATABASE_URL', 'REDIS_URL', 'PAYMENTS_API_KEY', 'PAYMENTS_WEBHOOK_SECRET'],
  'demo-api:2.15.1': ['DATABASE_URL', 'REDIS_URL', 'PAYMENTS_API_KEY', 'PAYMENTS_WEBHOOK_SECRET'],
};

export function imageTag(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(at + 1) : 'latest';
}

function repoAndTag(image: string): string {
  return image.slice(image.lastIndexOf('/') + 1);
}

/** The first variable the image needs and the revision does not provide, if any. */
export function missingRequirement(td: TaskDefinition): string | undefined {
  for (const c of td.containers) {
    const provided = new Set([...Object.keys(c.environment), ...c.secrets]);
    const missing = (IMAGE_REQUIRES[repoAndTag(c.image)] ?? []).find((name) => !provided.has(name));
    if (missing) return missing;
  }
  return undefined;
}

export function taskDefinitionRef(td: Pick<TaskDefinition, 'family' | 'revision'>): string {
  return `${td.family}:${td.revision}`;
}

interface Seed {
  family: string;
  container: string;
  cpu: number;
  memory: number;
  /** revision, image tag, days before start, edits relative to the previous revision */
  revisions: Array<[number, string, number, Omit<RevisionChanges, 'image' | 'from'>]>;
}

const SEEDS: Seed[] = [
  {
    family: 'demo-api',
    container: 'api',
    cpu: 512,
    memory: 1024,
    revisions: [
      [41, '2.11.3', 30, { environment: { NODE_ENV: 'production', PORT: '8080', LOG_LEVEL: 'info', PAYMENTS_URL: 'https://payments.internal/v1' }, secrets: { add: ['DATABASE_URL', 'REDIS_URL', 'PAYMENTS_API_KEY'] } }],
      [42, '2.12.0', 21, { environment: { SEARCH_URL: 'http://search.internal:9200' } }],
      [43, '2.13.1', 9, { memory: 2048, environment: { FEATURE_FLAGS: 'checkout-v2' } }],
      [44, '2.14.2', 2, { environment: { FEATURE_FLAGS: 'checkout-v2,saved-carts' }, secrets: { add: ['PAYMENTS_WEBHOOK_SECRET'] } }],
    ],
  },
  {
    family: 'demo-worker',
    container: 'worker',
    cpu: 512,
    memory: 1024,
    revisions: [
      [17, '1.8.0', 26, { environment: { NODE_ENV: 'production', QUEUES: 'emails,default', CONCURRENCY: '4' }, secrets: { add: ['DATABASE_URL', 'REDIS_URL', 'SMTP_PASSWORD'] } }],
      [18, '1.8.2', 12, {}],
      [19, '1.9.0', 3, { environment: { SMTP_HOST: 'smtp.mailer.internal' } }],
    ],
  },
  {
    family: 'demo-scheduler',
    container: 'scheduler',
    cpu: 256,
    memory: 512,
    revisions: [
      [8, '0.4.1', 40, { environment: { NODE_ENV: 'production', TZ: 'UTC' }, secrets: { add: ['REDIS_URL'] } }],
      [9, '0.4.2', 6, { environment: { CRON_JITTER_SECONDS: '30' } }],
    ],
  },
];

function apply(base: TaskDefinition, revision: number, at: number, changes: RevisionChanges): TaskDefinition {
  const containers = base.containers.map((c, i) => {
    // a Map: a variable may be called __proto__, which an object assignment would take for its prototype
    const env = new Map(Object.entries(c.environment));
    if (changes.container === undefined || changes.container === c.name) {
      for (const [k, v] of Object.entries(changes.environment ?? {})) {
        if (v === null) env.delete(k);
        else env.set(k, v);
      }
    }
    const environment = Object.fromEntries(env);
    const removed = new Set(changes.secrets?.remove ?? []);
    const secrets = [...c.secrets.filter((s) => !removed.has(s)), ...(changes.secrets?.add ?? []).filter((s) => !c.secrets.includes(s))];
    let image = c.image;
    if (i === 0 && changes.image) image = changes.image.includes('/') || changes.image.includes(':') ? changes.image : `${c.image.slice(0, c.image.lastIndexOf(':'))}:${changes.image}`;
    return { ...c, image, environment, secrets };
  });
  return deepFreeze({
    family: base.family,
    revision,
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${base.family}:${revision}`,
    status: 'ACTIVE',
    registeredAt: at,
    cpu: changes.cpu ?? base.cpu,
    memory: changes.memory ?? base.memory,
    containers,
  });
}

export class TaskDefinitions {
  private readonly families = new Map<string, TaskDefinition[]>();

  constructor(start: number) {
    const day = 86_400_000;
    for (const seed of SEEDS) {
      let prev: TaskDefinition = {
        family: seed.family, revision: 0, arn: '', status: 'ACTIVE', registeredAt: 0, cpu: seed.cpu, memory: seed.memory,
        containers: [{ name: seed.container, image: `${REGISTRY}/${seed.family}:0`, essential: true, environment: {}, secrets: [] }],
      };
      const list: TaskDefinition[] = [];
      for (const [revision, tag, daysAgo, changes] of seed.revisions) {
        prev = apply(prev, revision, start - daysAgo * day - 3_600_000 * 5, { ...changes, image: tag });
        list.push(prev);
      }
      this.families.set(seed.family, list);
    }
  }

  /** Accepts "family:revision", "family" (latest ACTIVE) or a task-definition ARN, like ECS. */
  get(ref: string): TaskDefinition | undefined {
    const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf('/') + 1) : ref;
    const [family = '', rev] = short.split(':');
    const list = this.families.get(family);
    if (!list) return undefined;
    if (rev === undefined) return [...list].reverse().find((td) => td.status === 'ACTIVE');
    return list.find((td) => td.revision === Number(rev));
  }

  list(family: string): TaskDefinition[] {
    return [...(this.families.get(family) ?? [])];
  }

  register(family: string, changes: RevisionChanges, at: number): TaskDefinition {
    const list = this.families.get(family);
    const latest = list?.[list.length - 1];
    if (!list || !latest) throw awsError('ClientException', `Family ${family} not found.`);
    const base = changes.from === undefined ? latest : list.find((td) => td.revision === changes.from);
    if (!base) throw awsError('ClientException', `Revision ${family}:${changes.from} not found.`);
    const td = apply(base, latest.revision + 1, at, changes);
    list.push(td);
    return td;
  }
}

/** Errors named like the AWS SDK's, so action code can treat both the same way. */
export function awsError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}
