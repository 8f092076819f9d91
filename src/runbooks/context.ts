/**
 * What a runbook run needs from the environment it runs in, as one port: the
 * action contexts, the names its `forEach` ranges over, the judge, the open
 * incident and a way to ask the operator. The CLI builds it from the opened
 * environment (real or sandbox); the runbook code never chooses a backend.
 */
import type { ActionContext } from '../actions/types.js';
import type { EcsActionContext } from '../actions/ecs/context.js';
import type { RdsActionContext } from '../actions/rds/context.js';
import type { QueueActionContext } from '../actions/queues/context.js';
import type { PgActionContext } from '../actions/postgres/context.js';
import type { Finding } from '../model/findings.js';
import type { ForEach } from './format.js';
import type { RunRecord, StepOutcome } from './records.js';

export interface RunbookIncident {
  /** the open incident's title, if one is open */
  open(): string | undefined;
  start(title: string): void;
  note(text: string): void;
}

export interface RunbookContext extends ActionContext {
  ecs?: EcsActionContext;
  rds?: RdsActionContext;
  queues?: QueueActionContext;
  postgres?: PgActionContext;
  /** the cluster a service is in (the config's answer, or an error naming the choices) */
  clusterOf(service: string): string;
  /** the Redis entry a queue is in */
  redisOf(queue: string): string;
  /** what `forEach` ranges over */
  names(over: ForEach, signal: AbortSignal): Promise<string[]>;
  /** one run of the checks engine with the environment's thresholds */
  findings(signal: AbortSignal): Promise<Finding[]>;
  incident: RunbookIncident;
  /** the operator's answer; rejects when nobody can answer (no terminal, no --answer) */
  ask(stepId: string, question: string, choices: readonly string[], signal: AbortSignal): Promise<string>;
  /** the newest finished run of a runbook in this environment, for `{recorded.…}` */
  lastRun(runbook: string): RunRecord | undefined;
  /** where run records are kept (the state directory's environment variables) */
  stateEnv: NodeJS.ProcessEnv;
  /** a line of progress for the operator */
  report?(line: string): void;
  /** a step of run `runId` starts (`running`) or ends (its outcome): the dashboard draws the steps from it */
  step?(runId: string, key: string, status: 'running' | StepOutcome, message?: string): void;
}
