/**
 * The generic webhook's JSON: the event as opsdeck holds it, under a
 * `version` (GENERIC_VERSION) so a receiver can refuse a shape it does not
 * know. Documented field by field in the README ("Notifications").
 */
import { GENERIC_VERSION, type NotifyEvent } from './events.js';

export type GenericPayload = { version: typeof GENERIC_VERSION; source: 'opsdeck' } & NotifyEvent;

export function genericPayload(e: NotifyEvent): GenericPayload {
  return { version: GENERIC_VERSION, source: 'opsdeck', ...e };
}
