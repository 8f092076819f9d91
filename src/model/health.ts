/** HTTP health probes. */
import type { SubjectRef } from './subjects.js';

/**
 * A numeric JSON field with its configured thresholds, as the probe read it.
 * The probe only reads; the checks grade (`below`: lower is worse).
 */
export interface ProbeMeasure {
  /** the dotted path as configured: `dlq`, `queues.emails.depth` */
  field: string;
  value: number;
  warn: number;
  crit: number;
  below?: boolean;
}

/** The certificate the server presented, as the probe read it; the checks grade its expiry. */
export interface ProbeCert {
  /** subject CN, else the first SAN */
  subject: string;
  /** DNS and IP names of the certificate */
  altNames: string[];
  /** "Let's Encrypt R3": organisation and common name of the issuer */
  issuer: string;
  /** epoch ms of notAfter */
  validTo: number;
  warnDays: number;
  critDays: number;
}

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
  /** numeric JSON fields with thresholds (expect.json FIELD: { warn, crit }) */
  measures?: ProbeMeasure[];
  /** an https probe's certificate */
  tls?: ProbeCert;
  /** when this probe fails, its last good answer, kept for the screen (the check judges the failure) */
  lastOk?: { status: number | null; latencyMs: number | null; fields: Record<string, string>; at: number };
}

export interface HealthSnapshot {
  probes: ProbeResult[];
}

/**
 * The subject of one aspect of a probe, apart from the probe itself so each
 * has its own finding: `demo/queue dlq`, `demo/api tls`.
 */
export const probeAspectRef = (p: { name: string }, aspect: string): SubjectRef => ({ kind: 'probe', name: `${p.name} ${aspect}` });

/** Every subject a probe's row answers for: the probe, its certificate, its measured fields. */
export function probeRefs(p: Pick<ProbeResult, 'name' | 'tls' | 'measures'>): SubjectRef[] {
  return [{ kind: 'probe', name: p.name }, ...(p.tls ? [probeAspectRef(p, 'tls')] : []), ...(p.measures ?? []).map((m) => probeAspectRef(p, m.field))];
}

const DAY_MS = 86_400_000;

/** Whole days a certificate has left at `now`, rounded down: "2 days" means it expires within the third. */
export const certDaysLeft = (cert: Pick<ProbeCert, 'validTo'>, now: number): number => Math.floor((cert.validTo - now) / DAY_MS);
