/**
 * Status-page updates an operator can paste after a read-through: the three
 * classic stages, filled with the services the timeline names and its times.
 * They speak to customers, so they name services the way a customer knows
 * them (without the environment) and say nothing about internals.
 */
import { oneLine } from '../text/sanitize.js';
import { clockUtc, duration } from './format.js';
import { joinNames, serviceName, type IncidentSummary } from './summary.js';

interface StatusUpdate {
  stage: 'Investigating' | 'Identified' | 'Resolved';
  /** when to post it (epoch ms); undefined: the timeline has no moment for it */
  at?: number;
  text: string;
}

const NEXT_UPDATE = 'We will post another update within 30 minutes.';

export function statusPageUpdates(s: IncidentSummary): StatusUpdate[] {
  const names = [...new Set(s.affected.map((a) => oneLine(serviceName(a), 80)))];
  const what = names.length > 0 ? joinNames(names) : '[SERVICE]';
  const posted = (at: number | undefined) => `Posted: ${at === undefined ? '[TIME]' : clockUtc(at).slice(0, 5)} UTC`;

  const investigatingAt = s.firstSign ? Math.max(s.startedAt, Date.parse(s.firstSign.time)) : s.startedAt;
  // the cause counts as identified once an operator committed to a fix
  const fix = s.runs.find((r) => r.confirmedAt !== undefined || r.outcome === 'done');
  const identifiedAt = fix ? (fix.confirmedAt ?? fix.outcomeAt) : undefined;
  const resolvedAt = s.ended ? s.endedAt : undefined;

  return [
    {
      stage: 'Investigating',
      at: investigatingAt,
      text: [
        `[Investigating] Problems with ${what}`,
        '',
        `We are investigating problems with ${what}. Some requests may fail or be slow. ${NEXT_UPDATE}`,
        '',
        posted(investigatingAt),
      ].join('\n'),
    },
    {
      stage: 'Identified',
      ...(identifiedAt !== undefined ? { at: identifiedAt } : {}),
      text: [
        `[Identified] Problems with ${what}`,
        '',
        `We have found the cause of the problems with ${what} and are applying a fix. ${NEXT_UPDATE}`,
        '',
        posted(identifiedAt),
      ].join('\n'),
    },
    {
      stage: 'Resolved',
      ...(resolvedAt !== undefined ? { at: resolvedAt } : {}),
      text: [
        `[Resolved] Problems with ${what}`,
        '',
        `The problems with ${what} ${resolvedAt !== undefined ? `between ${clockUtc(s.startedAt).slice(0, 5)} and ${clockUtc(resolvedAt).slice(0, 5)} UTC (${duration(resolvedAt - s.startedAt)}) ` : ''}have been resolved. We are monitoring to make sure it stays that way. We are sorry for the trouble.`,
        '',
        posted(resolvedAt),
      ].join('\n'),
    },
  ];
}
