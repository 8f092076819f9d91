/** The HTTP health adapter's public surface. */
export { createHealthSource } from './source.js';
export { type HttpProbeConfig } from './probe.js';
