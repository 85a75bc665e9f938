/**
 * A short session on a PostgreSQL server's admin database, for CREATE and DROP DATABASE: the
 * PostgreSQL run's global setup (test/doubles/pg-run.ts, vitest's main process) and the test files'
 * own servers (test/doubles/postgres.ts). No vitest imports.
 */
import pg from 'pg';

/** Runs `work` on a client connected to `url`, closed afterwards whatever `work` does. */
export async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
