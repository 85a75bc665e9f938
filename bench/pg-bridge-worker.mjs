// The thread that owns the PostgreSQL connection for bench/pg-bridge.ts: it runs each statement
// the caller hands it (synckit makes the caller wait with Atomics.wait) and returns the rows.
import pg from 'pg';
import { runAsWorker } from 'synckit';

let client;
runAsWorker(async (op, text, values) => {
  if (op === 'connect') {
    client = new pg.Client(text);
    await client.connect();
    return null;
  }
  if (op === 'end') {
    await client.end();
    return null;
  }
  return (await client.query(text, values)).rows;
});
