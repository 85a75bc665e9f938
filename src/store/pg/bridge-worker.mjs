// The thread that owns deskops' PostgreSQL connections (src/store/pg/bridge.ts): it runs each
// statement an engine thread hands it while that thread waits (synckit, Atomics.wait), and answers
// with the rows or with the error's fields (its SQLSTATE code among them), since an Error's own
// properties do not survive the way back. Plain JavaScript: it runs as it is from the sources and
// from the bundle, with no loader.
import pg from 'pg';
import { runAsWorker } from 'synckit';

const { types } = pg;
// As drizzle's node-postgres driver: instants, dates and intervals come back as the text
// PostgreSQL sent, for the columns' own decoders.
const RAW_TYPES = new Set([types.builtins.TIMESTAMPTZ, types.builtins.TIMESTAMP, types.builtins.DATE, types.builtins.INTERVAL, 1115, 1182, 1185, 1187, 1231]);
const typeParsers = { getTypeParser: (oid, format) => (RAW_TYPES.has(oid) ? (value) => value : types.getTypeParser(oid, format)) };

const clients = new Map();
let nextId = 1;

function failure(error) {
  return { error: { message: error?.message ?? String(error), code: error?.code, detail: error?.detail, constraint: error?.constraint } };
}

runAsWorker(async (op, id, text, values, arrayMode) => {
  try {
    if (op === 'connect') {
      const client = new pg.Client({ connectionString: text });
      // A connection lost while idle: the next statement fails and says so; nothing to do here.
      client.on('error', () => undefined);
      await client.connect();
      const connection = nextId++;
      clients.set(connection, client);
      return { id: connection };
    }
    const client = clients.get(id);
    if (!client) return failure(new Error('the PostgreSQL connection is closed'));
    if (op === 'end') {
      clients.delete(id);
      await client.end();
      return { rows: [], rowCount: 0 };
    }
    const result = await client.query({ text, values, rowMode: arrayMode ? 'array' : undefined, types: typeParsers });
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  } catch (error) {
    return failure(error);
  }
});
