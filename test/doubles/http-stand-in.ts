/**
 * The loopback HTTP server under the stand-ins for outside services (Slack's Web API, Rocket.Chat's
 * REST API, the paging webhook): each request handed over with its body read whole, a port of its
 * own on 127.0.0.1, and a close that does not wait for a request the stand-in never answered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server that hands `handle` each request once its whole body is in (as UTF-8 text). */
export function createBodyServer(handle: (req: IncomingMessage, raw: string, res: ServerResponse) => void): Server {
  return createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, raw, res));
  });
}

/** Listens on 127.0.0.1 at `port` (0: one the OS picks); the port it listens on. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Stops listening and cuts the open connections: a request held unanswered (a hung service) must not hold the close open. */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
