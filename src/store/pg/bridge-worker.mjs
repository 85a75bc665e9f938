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

// Per connection: its client, its URL (to connect again), whether the server or the network has
// dropped it, and whether a transaction is open on it (told by the statements that open and end one).
const connections = new Map();
let nextId = 1;

function failure(error) {
  return { error: { message: error?.message ?? String(error), code: error?.code, detail: error?.detail, constraint: error?.constraint } };
}

/** Connects `connection` (again) to its URL. */
async function connect(connection) {
  // lock_timeout: a statement waits at most 5 s for another connection's lock, then fails as busy
  // (55P03), as SQLite's busy timeout does; PostgreSQL's own default is to wait forever.
  const client = new pg.Client({ connectionString: connection.url, keepAlive: true, lock_timeout: DEFAULT_LOCK_TIMEOUT_MS });
  // Lost while idle (a server restart, a network cut): noted here, connected again before the next statement.
  const lost = () => {
    if (client === connection.client) connection.lost = true;
  };
  client.on('error', lost);
  client.on('end', lost);
  connection.client = client;
  // A new session has no prepared statements: names are given afresh.
  connection.statementNames = new Map();
  await client.connect();
  connection.lost = false;
  connection.inTransaction = false;
}

/** Stops listening to a client being left (its late errors mean nothing now). */
function forget(client) {
  client.removeAllListeners();
  client.on('error', () => undefined);
}

/** How long a statement waits for another connection's lock by default (withLockWait sets less for a while). */
const DEFAULT_LOCK_TIMEOUT_MS = 5_000;

/**
 * Statements prepared per session: the store's statements come from a fixed set of query shapes,
 * run thousands of times, so each is parsed and planned once per session, then only bound and
 * executed. Past this many (lists of ids of every length), statements run unnamed, as before.
 */
const PREPARED_PER_SESSION = 1_000;

/** The name `text` is prepared under on `connection`, or undefined (no parameters: the simple protocol, which may hold several statements). */
function statementName(connection, text, values) {
  if (values.length === 0) return undefined;
  let name = connection.statementNames.get(text);
  if (name === undefined && connection.statementNames.size < PREPARED_PER_SESSION) {
    name = `deskops_${connection.statementNames.size + 1}`;
    connection.statementNames.set(text, name);
  }
  return name;
}

// What node-postgres says, without a code, when the connection went away under a statement.
const CONNECTION_GONE = /Connection terminated|not queryable|connection error/i;
const OPENS = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const ENDS = /^\s*(COMMIT|ROLLBACK|END|ABORT)\s*$/i;

/**
 * A statement on a lost connection. Between transactions, the connection is made again and the
 * statement runs on it: a PostgreSQL restart costs the replicas nothing but the statements in
 * flight. Inside a transaction the work is gone with the old session: the statement fails as a
 * connection failure (SQLSTATE 08006), the caller's transaction fails and is run again or reported,
 * and the next transaction connects again.
 */
async function usable(connection, text) {
  if (!connection.lost) return connection.client;
  if (connection.inTransaction && !OPENS.test(text)) {
    if (ENDS.test(text)) connection.inTransaction = false;
    throw Object.assign(new Error('the connection to PostgreSQL was lost in the middle of a transaction; nothing of it was kept'), { code: '08006' });
  }
  forget(connection.client);
  await connect(connection);
  return connection.client;
}

runAsWorker(async (op, id, text, values, arrayMode) => {
  try {
    if (op === 'connect') {
      const connection = { client: undefined, url: text, lost: false, inTransaction: false, statementNames: new Map() };
      await connect(connection);
      const connectionId = nextId++;
      connections.set(connectionId, connection);
      return { id: connectionId };
    }
    const connection = connections.get(id);
    if (!connection) return failure(new Error('the PostgreSQL connection is closed'));
    if (op === 'end') {
      connections.delete(id);
      forget(connection.client);
      if (!connection.lost) await connection.client.end();
      return { rows: [], rowCount: 0 };
    }
    const client = await usable(connection, text);
    if (OPENS.test(text)) connection.inTransaction = true;
    else if (ENDS.test(text)) connection.inTransaction = false;
    try {
      const answer = await client.query({ text, values, name: statementName(connection, text, values), rowMode: arrayMode ? 'array' : undefined, types: typeParsers });
      // Several statements in one text (no parameters: PostgreSQL's simple protocol) answer each; the last one's rows are the answer.
      const result = Array.isArray(answer) ? answer[answer.length - 1] : answer;
      return { rows: result?.rows ?? [], rowCount: result?.rowCount ?? 0 };
    } catch (error) {
      // node-postgres reports a connection cut under a statement without a SQLSTATE ("Connection
      // terminated unexpectedly"): name it a connection failure, which callers know passes.
      if (typeof error?.code !== 'string' && (connection.lost || CONNECTION_GONE.test(String(error?.message)))) throw Object.assign(error instanceof Error ? error : new Error(String(error)), { code: '08006' });
      throw error;
    }
  } catch (error) {
    return failure(error);
  }
});
