/**
 * Arguments checked before anything is opened or planned: a number JavaScript
 * cannot hold exactly, or an identifier the AWS API would refuse, is a usage
 * error (64) naming the rule, not a plan for something else or a failed call.
 * Values are echoed through oneLine: they come straight from the command line.
 */
import { oneLine } from '../text/sanitize.js';
import { EXIT, UserError } from './exit.js';

const shown = (text: string) => `"${oneLine(text, 80)}"`;

/** A whole number from `min` to `max` (at most 2^53 - 1, past which 9007199254740993 silently becomes ...992). */
export function wholeNumber(text: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UserError(`${what} must be a whole number from ${min} to ${max}, got ${shown(text)}`, EXIT.usage);
  }
  return n;
}

/** RDS DB instance identifier: 1-63 letters, digits and hyphens, starting with a letter, no trailing hyphen or "--". */
export function rdsInstanceId(text: string, what: string): string {
  if (/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(text) && !text.endsWith('-') && !text.includes('--')) return text;
  throw new UserError(`${what} ${shown(text)} is not an RDS instance identifier: 1-63 letters, digits and hyphens, starting with a letter, with no "--" and no hyphen at the end`, EXIT.usage);
}

/**
 * An RDS snapshot identifier: a manual one (1-255 letters, digits and
 * hyphens, starting with a letter), an automated or AWS Backup one with its
 * `rds:` / `awsbackup:` prefix, or a snapshot ARN (a shared snapshot).
 */
export function rdsSnapshotId(text: string, what: string): string {
  const arn = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(?:cluster-)?snapshot:(.+)$/.exec(text);
  const id = (arn ? arn[1] : text) ?? '';
  const bare = id.replace(/^(?:rds|awsbackup):/, '');
  if (/^[A-Za-z][A-Za-z0-9-]{0,254}$/.test(bare) && !bare.endsWith('-') && !bare.includes('--')) return text;
  throw new UserError(`${what} ${shown(text)} is not an RDS snapshot identifier: letters, digits and hyphens starting with a letter (an automated one starts with "rds:"), or a snapshot ARN`, EXIT.usage);
}

/** An ECS cluster or service name (1-255 letters, digits, hyphens and underscores) or its ARN. */
export function ecsName(text: string, what: string): string {
  if (/^[A-Za-z0-9_-]{1,255}$/.test(text) || /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:(?:cluster|service)\/[A-Za-z0-9_/-]{1,512}$/.test(text)) return text;
  throw new UserError(`${what} ${shown(text)} is not an ECS name: 1-255 letters, digits, hyphens and underscores, or an ARN`, EXIT.usage);
}

/** A name of the config (a queue, a Redis entry): printable, one line, of a sane length. */
export function configName(text: string, what: string): string {
  if (text.length > 0 && text.length <= 255 && oneLine(text) === text) return text;
  throw new UserError(`${what} ${shown(text)} is not a name of the config: it is empty, too long, or holds control characters`, EXIT.usage);
}
