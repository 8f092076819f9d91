export type * from './ecs.js';
export type * from './rds.js';
export type * from './logs.js';
export type * from './queues.js';
export type * from './postgres.js';
export type * from './health.js';
export type * from './findings.js';
export type * from './environment.js';
export * from './panels.js';
