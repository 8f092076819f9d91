/**
 * The seam between the CLI (src/) and the terminal UI (views/). src/ never
 * imports views/, so the bundle's entry passes a launcher in.
 */
import type { Runtime } from '../engine/runtime.js';

export interface TuiOptions {
  runtime: Runtime;
  /** NO_COLOR, --no-color or a monochrome terminal */
  noColor: boolean;
}

/** Shows the dashboard until the user quits; resolves after the terminal is restored. */
export type LaunchTui = (opts: TuiOptions) => Promise<void>;
