/**
 * A service's deployment history (ECS ListServiceDeployments, the sandbox's
 * record of its own): what the last-known-good judgement reads, beside the
 * service's events and the journal.
 */

/** ECS's ServiceDeploymentStatus; others it may add pass through as text. */
export type ServiceDeploymentStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCESSFUL' | 'STOPPED' | 'STOP_REQUESTED' | 'ROLLBACK_REQUESTED' | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_SUCCESSFUL' | 'ROLLBACK_FAILED' | (string & {});

export interface ServiceDeploymentRecord {
  id: string;
  /** family:revision the deployment rolled out */
  taskDefinition: string;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  createdAt: number;
  startedAt?: number;
  /** when it ended: reached steady state (SUCCESSFUL), or was stopped or rolled back */
  finishedAt?: number;
}
