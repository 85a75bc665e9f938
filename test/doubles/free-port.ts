/** A free TCP port on loopback. No vitest imports: vitest's main process (test/doubles/pg-run.ts) and the benchmarks use it too. */
import { createServer, type AddressInfo } from 'node:net';

/** A port nothing listens on right now (the OS picks it; another process could take it before the caller binds). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
