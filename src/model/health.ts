/** HTTP health probes. */

export interface ProbeResult {
  name: string;
  url: string;
  ok: boolean;
  status: number | null;
  latencyMs: number | null;
  /** fields picked from a JSON body: status, version, app_version */
  fields: Record<string, string>;
  /** expectations that failed, or the transport error */
  problems: string[];
  checkedAt: number;
  /** when this probe fails, its last good answer, kept for the screen (the check judges the failure) */
  lastOk?: { status: number | null; latencyMs: number | null; fields: Record<string, string>; at: number };
}

export interface HealthSnapshot {
  probes: ProbeResult[];
}
