/**
 * What `opsdeck audit` narrows the records to, the same on the local journal
 * (matched here) and on the team store (the same rules in SQL, team/chain.ts).
 */
import type { AuditRecord } from './record.js';

export interface AuditFilter {
  environment?: string;
  /** "ana" (any host) or "ana@bastion-1" */
  operator?: string;
  /** the whole target ("prod/api") or its last part ("api") */
  target?: string;
  /** records at or after this time */
  since?: Date;
  /** records before this time */
  until?: Date;
}

export function matchesFilter(r: AuditRecord, f: AuditFilter): boolean {
  if (f.environment !== undefined && r.environment !== f.environment) return false;
  if (f.operator !== undefined) {
    const op = r.operator ?? { user: '?', host: '?' };
    if (f.operator !== op.user && f.operator !== `${op.user}@${op.host}`) return false;
  }
  if (f.target !== undefined && r.target !== f.target && !String(r.target).endsWith(`/${f.target}`)) return false;
  const t = Date.parse(r.time);
  if (f.since && !(t >= f.since.getTime())) return false;
  if (f.until && !(t < f.until.getTime())) return false;
  return true;
}
