/** Exit codes, in one place. Checks use the Nagios codes 0-3; the rest follow sysexits.h. */
export const EXIT = {
  ok: 0,
  /** an action was refused or aborted; a check found warnings */
  refused: 1,
  /** an action failed; a check found something critical */
  failed: 2,
  unknown: 3,
  usage: 64,
  software: 70,
  config: 78,
} as const;

/** An error meant for the user: one line, printed as `opsdeck: <message>`, then exit. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}
