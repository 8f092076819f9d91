/**
 * The ECS service scheduler, simulated: rolling deployments bounded by
 * minimumHealthyPercent / maximumPercent, tasks that take seconds to start and
 * to drain, a crash loop with launch throttling and the deployment circuit
 * breaker, and service events worded like the ECS console's.
 */
import type { Rng } from './prng.js';
import { ACCOUNT, REGION, TaskDefinitions, awsError, missingRequirement, taskDefinitionRef, type TaskDefinition } from './taskdefs.js';
import { ServiceLog } from './ecs-events.js';
import type { ServiceSpec, SimDeployment, SimService, SimTask, TaskHook } from './ecs-types.js';
import type { ServiceDeploymentRecord } from '../../model/deployments.js';

export type { ServiceSpec, SimDeployment, SimService, SimTask, TaskHook } from './ecs-types.js';

export const CLUSTER = 'demo';

export function taskArnOf(id: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${id}`;
}

const MAX_STOPPED = 20;

export class EcsSim {
  readonly services = new Map<string, SimService>();

  constructor(
    private readonly rng: Rng,
    readonly taskDefs: TaskDefinitions,
    specs: ServiceSpec[],
    private readonly hook: TaskHook,
    start: number,
  ) {
    for (const spec of specs) this.services.set(spec.name, this.seed(spec, start));
  }

  /** A service that has been steady since its last deployment, with the events ECS would have kept. */
  private seed(spec: ServiceSpec, start: number): SimService {
    const td = this.requireTd(`${spec.family}:${spec.revision}`);
    const dep = this.newDeployment(td, spec.desired, spec.deployedAt);
    dep.rolloutState = 'COMPLETED';
    dep.rolloutReason = `ECS deployment ${dep.id} completed.`;
    dep.updatedAt = spec.deployedAt + 95_000;
    dep.finishedAt = dep.updatedAt;
    const svc: SimService = { spec, desired: spec.desired, deployments: [dep], tasks: [], log: new ServiceLog(spec.name, this.rng), stopped: [], ended: [], steady: true, history: [dep] };
    const initial = spec.scaledUpAt === undefined ? spec.desired : 1;
    const launch = (n: number, at: number): string[] => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const task: SimTask = { id: this.rng.hex(32), deploymentId: dep.id, td, state: 'RUNNING', createdAt: at, readyAt: at + this.rng.int(8_000, 15_000) };
        svc.tasks.push(task);
        ids.push(task.id);
      }
      return ids;
    };
    svc.log.started(spec.deployedAt + 2_000, launch(initial, spec.deployedAt + 2_000));
    if (spec.loadBalanced) svc.log.registered(spec.deployedAt + 40_000, initial);
    svc.log.add(spec.deployedAt + 90_000, `(deployment ${dep.id}) deployment completed.`);
    svc.log.steady(spec.deployedAt + 95_000);
    // ECS repeats the steady-state event about every six hours while nothing changes
    for (let at = spec.deployedAt + 6 * 3_600_000; at < start; at += 6 * 3_600_000 + this.rng.int(0, 300) * 1000) {
      if (spec.scaledUpAt !== undefined && at > spec.scaledUpAt) break;
      svc.log.steady(at);
    }
    if (spec.scaledUpAt !== undefined && spec.desired > initial) {
      svc.log.started(spec.scaledUpAt + 1_000, launch(spec.desired - initial, spec.scaledUpAt + 1_000));
      svc.log.steady(spec.scaledUpAt + 60_000);
    }
    return svc;
  }

  private newDeployment(td: TaskDefinition, desired: number, at: number): SimDeployment {
    return {
      id: `ecs-svc/${this.rng.digits(19)}`, td, desired, failedTasks: 0, consecutiveFailures: 0, nextLaunchAt: at,
      rolloutState: 'IN_PROGRESS', throttleNoticed: false, createdAt: at, updatedAt: at,
    };
  }

  requireTd(ref: string): TaskDefinition {
    const td = this.taskDefs.get(ref);
    if (!td) throw awsError('ClientException', `Unable to describe task definition ${ref}.`);
    return td;
  }

  service(cluster: string, name: string): SimService {
    if (cluster !== CLUSTER) throw awsError('ClusterNotFoundException', `Cluster not found: ${cluster}.`);
    const svc = this.services.get(name);
    if (!svc) throw awsError('ServiceNotFoundException', `Service not found: ${name}.`);
    return svc;
  }

  setDesiredCount(cluster: string, name: string, n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 100) throw awsError('InvalidParameterException', `desiredCount must be an integer between 0 and 100, got ${n}.`);
    const svc = this.service(cluster, name);
    svc.desired = n;
  }

  /** Returns the new deployment's id, or null when nothing had to change (same revision, no force). */
  updateService(cluster: string, name: string, at: number, opts: { taskDefinition?: string; forceNewDeployment?: boolean }): string | null {
    const svc = this.service(cluster, name);
    const current = svc.deployments[0]!;
    const td = opts.taskDefinition === undefined ? current.td : this.requireTd(opts.taskDefinition);
    if (td === current.td && !opts.forceNewDeployment) return null;
    const dep = this.newDeployment(td, svc.desired, at);
    dep.rolloutReason = `ECS deployment ${dep.id} in progress.`;
    if (current.finishedAt === undefined) {
      current.finishedAt = at;
      current.replacedBy = dep.id;
    }
    svc.deployments.unshift(dep);
    svc.history.push(dep);
    svc.steady = false;
    return dep.id;
  }

  step(t: number): void {
    for (const svc of this.services.values()) {
      this.progress(svc, t);
      this.schedule(svc, t);
      this.settle(svc, t);
    }
  }

  private deployment(svc: SimService, id: string): SimDeployment | undefined {
    return svc.deployments.find((d) => d.id === id);
  }

  private progress(svc: SimService, t: number): void {
    const ready: SimTask[] = [];
    const crashed: SimTask[] = [];
    const gone = new Set<SimTask>();
    for (const task of svc.tasks) {
      const dep = this.deployment(svc, task.deploymentId);
      if (task.state === 'PENDING' && task.crashAt !== undefined && t >= task.crashAt) {
        gone.add(task);
        crashed.push(task);
        this.recordStop(svc, task, task.crashAt, true);
        if (dep) {
          dep.failedTasks++;
          dep.consecutiveFailures++;
          // ECS throttles launches of a service whose tasks keep failing
          const backoff = Math.min(120_000, 5_000 * 2 ** Math.floor(dep.consecutiveFailures / 3));
          dep.nextLaunchAt = Math.max(dep.nextLaunchAt, task.crashAt + backoff);
          dep.updatedAt = t;
        }
        this.hook('crashed', svc.spec.name, task, task.crashAt);
      } else if (task.state === 'PENDING' && task.crashAt === undefined && t >= task.readyAt) {
        task.state = 'RUNNING';
        ready.push(task);
        if (dep) {
          dep.consecutiveFailures = 0;
          dep.updatedAt = t;
        }
        this.hook('running', svc.spec.name, task, task.readyAt);
      } else if (task.state === 'STOPPING' && task.stopAt !== undefined && t >= task.stopAt) {
        gone.add(task);
        this.recordStop(svc, task, task.stopAt, false);
      }
    }
    if (gone.size > 0) svc.tasks = svc.tasks.filter((x) => !gone.has(x));
    if (crashed.length > 0) svc.log.crashed(t, crashed.map((x) => x.id));
    if (ready.length > 0 && svc.spec.loadBalanced) svc.log.registered(t, ready.length);
  }

  private recordStop(svc: SimService, task: SimTask, at: number, crashed: boolean): void {
    const dep = this.deployment(svc, task.deploymentId);
    const stopped = crashed
      ? { stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited' }
      : task.stopReason !== undefined
        ? { stoppedReason: task.stopReason, stopCode: 'UserInitiated' }
        : { stoppedReason: `Scaling activity initiated by (deployment ${dep?.id ?? task.deploymentId})`, stopCode: 'ServiceSchedulerInitiated' };
    svc.stopped.unshift({
      taskArn: taskArnOf(task.id),
      taskDefinition: taskDefinitionRef(task.td),
      stoppedAt: at,
      ...stopped,
      containers: [crashed ? { container: svc.spec.name, exitCode: 1 } : { container: svc.spec.name, exitCode: 0 }],
    });
    if (svc.stopped.length > MAX_STOPPED) svc.stopped.length = MAX_STOPPED;
    task.stoppedAt = at;
    svc.ended.unshift(task);
    if (svc.ended.length > MAX_STOPPED) svc.ended.length = MAX_STOPPED;
  }

  /**
   * Like ecs:StopTask on a service's task: it drains and stops, and the
   * scheduler, finding the service a task short, starts a replacement on its
   * next step. Stopping a task already stopping changes nothing, as in ECS.
   */
  stopTask(cluster: string, taskId: string, reason: string, t: number): SimTask {
    if (cluster !== CLUSTER) throw awsError('ClusterNotFoundException', `Cluster not found: ${cluster}.`);
    for (const svc of this.services.values()) {
      const task = svc.tasks.find((x) => x.id === taskId);
      if (!task) continue;
      if (task.state === 'STOPPING') return task;
      const wasRunning = task.state === 'RUNNING';
      task.stopReason = reason;
      task.state = 'STOPPING';
      task.stopAt = t + (wasRunning ? svc.spec.drainMs : 1_000);
      const dep = this.deployment(svc, task.deploymentId);
      if (dep) dep.updatedAt = t;
      // the scheduler did not stop it, so no "has stopped" event: only the load balancer's deregistration
      if (wasRunning) {
        this.hook('stopping', svc.spec.name, task, t);
        if (svc.spec.loadBalanced) svc.log.draining(t, 1);
      }
      return task;
    }
    throw awsError('InvalidParameterException', 'The referenced task was not found.');
  }

  private schedule(svc: SimService, t: number): void {
    const { spec } = svc;
    const primary = svc.deployments[0]!;
    // ECS stamps the PRIMARY deployment's updatedAt when UpdateService changes its desired count
    if (primary.desired !== svc.desired) {
      primary.desired = svc.desired;
      primary.updatedAt = t;
    }
    const live = svc.tasks.filter((x) => x.state !== 'STOPPING');
    const primaryLive = live.filter((x) => x.deploymentId === primary.id);
    const toStop = new Set<SimTask>();
    // pending tasks go first, then the newest: what ECS does when scaling in
    const scaleInOrder = (a: SimTask, b: SimTask) => (a.state === b.state ? b.createdAt - a.createdAt : a.state === 'PENDING' ? -1 : 1);
    if (primaryLive.length > svc.desired) {
      for (const task of [...primaryLive].sort(scaleInOrder).slice(0, primaryLive.length - svc.desired)) toStop.add(task);
    }
    // retire older deployments without going under minimumHealthyPercent
    const minHealthy = Math.ceil((svc.desired * spec.minHealthyPercent) / 100);
    let healthy = live.filter((x) => x.state === 'RUNNING' && !toStop.has(x)).length;
    const old = live.filter((x) => x.deploymentId !== primary.id).sort((a, b) => (a.state === b.state ? a.createdAt - b.createdAt : a.state === 'PENDING' ? -1 : 1));
    for (const task of old) {
      if (task.state === 'PENDING') toStop.add(task);
      else if (healthy - 1 >= minHealthy) {
        toStop.add(task);
        healthy--;
      }
    }
    if (toStop.size > 0) this.stopTasks(svc, [...toStop], t);
    const maxTotal = Math.max(svc.desired, Math.floor((svc.desired * spec.maxPercent) / 100));
    const need = svc.desired - primaryLive.filter((x) => !toStop.has(x)).length;
    const room = maxTotal - (live.length - toStop.size);
    const n = Math.min(need, room);
    if (n > 0 && t >= primary.nextLaunchAt) this.launch(svc, primary, n, t);
  }

  private stopTasks(svc: SimService, tasks: SimTask[], t: number): void {
    const running = tasks.filter((x) => x.state === 'RUNNING');
    for (const task of tasks) {
      const wasRunning = task.state === 'RUNNING';
      task.state = 'STOPPING';
      task.stopAt = t + (wasRunning ? svc.spec.drainMs : 1_000);
      const dep = this.deployment(svc, task.deploymentId);
      if (dep) dep.updatedAt = t;
      if (wasRunning) this.hook('stopping', svc.spec.name, task, t);
    }
    if (running.length === 0) return;
    if (svc.spec.loadBalanced) svc.log.draining(t, running.length);
    svc.log.stoppedRunning(t, running.map((x) => x.id));
  }

  private launch(svc: SimService, dep: SimDeployment, n: number, t: number): void {
    const broken = missingRequirement(dep.td) !== undefined;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const readyAt = t + this.rng.int(8_000, 16_000);
      const task: SimTask = { id: this.rng.hex(32), deploymentId: dep.id, td: dep.td, state: 'PENDING', createdAt: t, readyAt };
      // the image is pulled, the container starts and exits before ECS reports RUNNING
      if (broken) task.crashAt = readyAt - this.rng.int(500, 3_000);
      svc.tasks.push(task);
      ids.push(task.id);
    }
    dep.updatedAt = t;
    svc.log.started(t, ids);
  }

  private settle(svc: SimService, t: number): void {
    svc.deployments = svc.deployments.filter((d, i) => i === 0 || svc.tasks.some((x) => x.deploymentId === d.id));
    const primary = svc.deployments[0]!;
    const primaryRunning = svc.tasks.filter((x) => x.deploymentId === primary.id && x.state === 'RUNNING').length;
    const stable = svc.deployments.length === 1 && primaryRunning === svc.desired && svc.tasks.every((x) => x.state === 'RUNNING');
    if (primary.rolloutState === 'IN_PROGRESS') {
      // the pre-2023 circuit-breaker floor of 10 keeps IN_PROGRESS on screen for a couple of minutes
      const threshold = Math.min(200, Math.max(10, Math.ceil(svc.desired / 2)));
      if (primary.failedTasks >= threshold) {
        primary.rolloutState = 'FAILED';
        primary.rolloutReason = 'ECS deployment circuit breaker: tasks failed to start.';
        primary.updatedAt = t;
        primary.finishedAt = t;
        svc.log.add(t, `(deployment ${primary.id}) deployment failed: tasks failed to start.`);
      } else if (stable) {
        primary.rolloutState = 'COMPLETED';
        primary.rolloutReason = `ECS deployment ${primary.id} completed.`;
        primary.updatedAt = t;
        primary.finishedAt = t;
        svc.log.add(t, `(deployment ${primary.id}) deployment completed.`);
      }
    }
    if (primary.consecutiveFailures >= 6 && !primary.throttleNoticed) {
      primary.throttleNoticed = true;
      svc.log.add(t, 'is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.');
    }
    if (stable && !svc.steady) svc.log.steady(t);
    svc.steady = stable;
  }

  /** The service's deployments as ListServiceDeployments names them, newest first. */
  history(cluster: string, name: string): ServiceDeploymentRecord[] {
    const svc = this.service(cluster, name);
    return svc.history
      .map((d): ServiceDeploymentRecord => {
        const status = d.replacedBy ? 'STOPPED' : d.rolloutState === 'COMPLETED' ? 'SUCCESSFUL' : d.rolloutState === 'FAILED' ? 'STOPPED' : 'IN_PROGRESS';
        const reason = d.replacedBy ? `replaced by deployment ${d.replacedBy} before it completed` : d.rolloutState === 'FAILED' ? d.rolloutReason : undefined;
        return {
          id: d.id.slice(d.id.indexOf('/') + 1),
          taskDefinition: taskDefinitionRef(d.td),
          status,
          ...(reason ? { statusReason: reason } : {}),
          createdAt: d.createdAt,
          startedAt: d.createdAt,
          ...(d.finishedAt !== undefined ? { finishedAt: d.finishedAt } : {}),
        };
      })
      .reverse();
  }

  /** Tasks serving traffic: RUNNING and not draining. */
  serving(name: string): SimTask[] {
    return this.services.get(name)?.tasks.filter((x) => x.state === 'RUNNING') ?? [];
  }
}
