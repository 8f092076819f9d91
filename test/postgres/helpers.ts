/** A database of one's own on the shared local PostgreSQL, and plain clients to stage sessions with. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const SHARED = process.env.OPSDECK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  name: string;
  url: string;
  /** a plain (writable) client, closed by drop() */
  client(applicationName?: string): Promise<pg.Client>;
  drop(): Promise<void>;
}

async function admin<T>(base: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `${base}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(base = SHARED, label = 'pg'): Promise<TestDatabase> {
  const name = `opsdeck_${label}_${randomBytes(4).toString('hex')}`;
  await admin(base, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = `${base}/${name}`;
  const clients: pg.Client[] = [];
  return {
    name,
    url,
    client: async (applicationName = 'opsdeck-test') => {
      const c = new pg.Client({ connectionString: url, application_name: applicationName });
      // a client cut off by a server kill emits 'error'; the test looks at the source, not at this
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
      return c;
    },
    drop: async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await admin(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
    },
  };
}
