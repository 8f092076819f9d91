/**
 * The certificate a server presented, in the few words the Health panel
 * shows ("Let's Encrypt R3", valid to a date). Every name comes from the
 * server, so it is sanitised like any other outside text.
 */
import type { PeerCertificate } from 'node:tls';
import type { ProbeCert } from '../../model/health.js';
import { oneLine } from '../../text/sanitize.js';

export const DEFAULT_CERT_WARN_DAYS = 14;
export const DEFAULT_CERT_CRIT_DAYS = 3;

const NAME_CHARS = 80;

/** A distinguished-name attribute; node gives a list when the certificate repeats it. */
function attr(v: string | string[] | undefined): string {
  return oneLine(Array.isArray(v) ? v.join(', ') : (v ?? ''), NAME_CHARS);
}

/** "Let's Encrypt R3", not "Let's Encrypt Let's Encrypt Authority X3" twice over. */
function issuerName(cert: PeerCertificate): string {
  const org = attr(cert.issuer?.O);
  const cn = attr(cert.issuer?.CN);
  if (!org) return cn || 'unknown issuer';
  return !cn || cn.startsWith(org) ? cn || org : `${org} ${cn}`;
}

function altNames(cert: PeerCertificate): string[] {
  return (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => oneLine(s.trim().replace(/^(DNS|IP Address):/, ''), NAME_CHARS))
    .filter(Boolean);
}

/** Undefined when the socket held no certificate (plain http, or a connection already gone). */
export function certOf(cert: PeerCertificate | undefined, days: { warnDays?: number; critDays?: number } = {}): ProbeCert | undefined {
  if (!cert || !cert.valid_to) return undefined;
  const validTo = Date.parse(cert.valid_to);
  if (!Number.isFinite(validTo)) return undefined;
  const names = altNames(cert);
  return {
    subject: attr(cert.subject?.CN) || names[0] || '-',
    altNames: names,
    issuer: issuerName(cert),
    validTo,
    warnDays: days.warnDays ?? DEFAULT_CERT_WARN_DAYS,
    critDays: days.critDays ?? DEFAULT_CERT_CRIT_DAYS,
  };
}
