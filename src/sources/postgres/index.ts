/** The PostgreSQL adapter's public surface. */
export {
  createPostgresSource,
  type PgDatabaseError,
  type PgSourceHandle,
  type PostgresConfig,
  type PostgresReadout,
  type PostgresSourceOptions,
} from './source.js';
export { APPLICATION_NAME, createReadOnlyPool, describeTarget, poolConfig, type PgConnectionOptions } from './connection.js';
export { PgReadError, describePgError } from './errors.js';
export { createPostgresAdmin, type PostgresAdminOptions } from './admin.js';
