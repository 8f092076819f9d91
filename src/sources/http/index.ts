/** The HTTP health adapter's public surface. */
export { createHealthSource, type HealthSourceHandle, type HealthSourceOptions } from './source.js';
export { probeOne, DEFAULT_TIMEOUT_MS, type HttpProbeConfig, type ProbeOptions } from './probe.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export { PICKED_FIELDS } from './expect.js';
