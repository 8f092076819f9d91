/**
 * A Slack incoming webhook message: `text` (the notification and the
 * fallback) and Block Kit `blocks` (a section in mrkdwn, the status-page
 * draft or the findings, a context line). Slack parses `&`, `<` and `>` as
 * markup (`<!channel>` pings everyone), so every text is escaped; a
 * section's text is cut below Slack's 3000 characters.
 */
import { headline, type NotifyEvent } from './events.js';

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

const SECTION_MAX = 2900;
const TEXT_MAX = 3000;

const ICON: Record<NotifyEvent['event'], string> = {
  'action.executed': ':white_check_mark:',
  'action.failed': ':x:',
  'action.refused': ':no_entry:',
  'approval.requested': ':raising_hand:',
  'incident.started': ':rotating_light:',
  'incident.updated': ':memo:',
  'incident.ended': ':large_green_circle:',
  'check.changed': ':bar_chart:',
  test: ':wave:',
};

const SEVERITY_ICON = { ok: ':large_green_circle:', warn: ':large_orange_circle:', crit: ':red_circle:', unknown: ':white_circle:' } as const;

/** `&`, `<` and `>` as the entities Slack documents; nothing else is touched. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: cut(text, SECTION_MAX) } });

export function slackMessage(e: NotifyEvent): SlackMessage {
  const blocks: SlackBlock[] = [section(`${ICON[e.event]} *${slackEscape(headline(e))}*`)];
  switch (e.event) {
    case 'action.executed':
    case 'action.failed':
    case 'action.refused':
      blocks.push(section(`${slackEscape(e.summary)} (${slackEscape(e.tier)})\n${slackEscape(e.message)}${e.reason ? `\nReason: ${slackEscape(e.reason)}` : ''}`));
      break;
    case 'approval.requested':
      blocks.push(section(`Plan \`${slackEscape(e.planHash.slice(0, 12))}\`: ${slackEscape(e.summary)}\n${e.reason ? `\nReason: ${slackEscape(e.reason)}` : ''}\nApprove after reading the plan: \`opsdeck approve ${slackEscape(e.id)}\`${e.expiresAt ? ` (before ${slackEscape(e.expiresAt)})` : ''}`));
      break;
    case 'incident.updated':
      if (e.note) blocks.push(section(`> ${slackEscape(e.note)}`));
      break;
    case 'check.changed':
      if (e.findings.length) blocks.push(section(e.findings.map((f) => `${SEVERITY_ICON[f.severity]} \`${slackEscape(f.checkId)}\` ${slackEscape(f.subject)}: ${slackEscape(f.message)}`).join('\n')));
      break;
    default:
      break;
  }
  if ((e.event === 'incident.started' || e.event === 'incident.updated' || e.event === 'incident.ended') && e.statusPage) {
    blocks.push(section(`Status page draft:\n\`\`\`${slackEscape(e.statusPage.replace(/```/g, "'''"))}\`\`\``));
  }
  const context = [`env *${slackEscape(e.environment)}*`, `by ${slackEscape(e.operator)}`, slackEscape(e.at)];
  if (e.incident && e.event !== 'incident.started' && e.event !== 'incident.ended') context.push(`incident ${slackEscape(e.incident.title)}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(context.join(' · '), SECTION_MAX) }] });
  return { text: cut(slackEscape(headline(e)), TEXT_MAX), blocks };
}
