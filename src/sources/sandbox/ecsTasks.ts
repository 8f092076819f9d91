/**
 * The simulated tasks as DescribeTasks would describe them. What the
 * simulation does not track (the AZ, when health checks start passing) is
 * derived from the task's id, never drawn from the fleet's random stream,
 * so the demo's numbers stay what they were before tasks were shown.
 */
import { oldestTaskFirst, type EcsTask } from '../../model/ecs.js';
import { CLUSTER, taskArnOf, type EcsSim, type SimService, type SimTask } from './ecs.js';
import { REGION, awsError, taskDefinitionRef } from './taskdefs.js';

const ZONES = ['a', 'b', 'c'];

/** a number from the id's last hex digits: stable for a task, different across tasks */
const idNumber = (id: string) => parseInt(id.slice(-4), 16) || 0;

/** The container health check's first pass: 10 to 25 s after the task reports RUNNING. */
function healthyAt(task: SimTask): number {
  return task.readyAt + 10_000 + (idNumber(task.id) % 16) * 1_000;
}

const STATUS: Record<SimTask['state'], { last: string; desired: string }> = {
  PENDING: { last: 'PENDING', desired: 'RUNNING' },
  RUNNING: { last: 'RUNNING', desired: 'RUNNING' },
  STOPPING: { last: 'DEACTIVATING', desired: 'STOPPED' },
};

export function taskView(task: SimTask, service: string, t: number): EcsTask {
  const stopped = task.stoppedAt !== undefined;
  const status = stopped ? { last: 'STOPPED', desired: 'STOPPED' } : STATUS[task.state];
  // a task that crashed before RUNNING never started
  const started = task.crashAt === undefined && t >= task.readyAt;
  const out: EcsTask = {
    taskArn: taskArnOf(task.id),
    id: task.id,
    taskDefinition: taskDefinitionRef(task.td),
    revision: task.td.revision,
    lastStatus: status.last,
    desiredStatus: status.desired,
    health: !stopped && task.state === 'RUNNING' && t >= healthyAt(task) ? 'HEALTHY' : 'UNKNOWN',
    createdAt: task.createdAt,
    availabilityZone: `${REGION}${ZONES[idNumber(task.id) % ZONES.length]}`,
    service,
  };
  if (started) out.startedAt = task.readyAt;
  return out;
}

/** The tasks the service wants running (ListTasks' default), oldest first. */
export function serviceTasks(svc: SimService, t: number): EcsTask[] {
  return svc.tasks
    .filter((x) => x.state !== 'STOPPING')
    .map((x) => taskView(x, svc.spec.name, t))
    .sort(oldestTaskFirst);
}

/** One task by id or ARN, running, stopping or recently stopped; undefined when the sandbox no longer keeps it. */
export function findTask(sim: EcsSim, cluster: string, ref: string, t: number): EcsTask | undefined {
  if (cluster !== CLUSTER) throw awsError('ClusterNotFoundException', `Cluster not found: ${cluster}.`);
  const id = ref.slice(ref.lastIndexOf('/') + 1);
  for (const svc of sim.services.values()) {
    const task = svc.tasks.find((x) => x.id === id) ?? svc.ended.find((x) => x.id === id);
    if (task) return taskView(task, svc.spec.name, t);
  }
  return undefined;
}
