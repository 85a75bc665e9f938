/**
 * The adapters' fair queue: turns between people, each person's items in order, and the event loop
 * let run between items. The last fails when the queue drains on promise callbacks alone: with a
 * handler that finishes without I/O (the engine in this thread, which blocks on PostgreSQL's
 * bridge) a 200-command flood then kept a loopback answer from going out until the flood was done.
 */
import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FairQueue } from '../../src/adapters/fair-queue.js';

/** Holds the thread for `ms`, as a synchronous store call does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('FairQueue', () => {
  it("takes turns between keys and keeps each key's order", async () => {
    const handled: string[] = [];
    const queue = new FairQueue<string>((item) => void handled.push(item), () => undefined);
    const pushed = ['a1', 'a2', 'a3'].map((item) => queue.push('a', item));
    pushed.push(queue.push('b', 'b1'), queue.push('b', 'b2'));
    await Promise.all(pushed);
    // a1 runs as it is pushed (the queue was empty); then a and b take turns.
    expect(handled).toEqual(['a1', 'a2', 'b1', 'a3', 'b2']);
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  it('goes on after a failing item, and reports it', async () => {
    const failed: string[] = [];
    const handled: string[] = [];
    const queue = new FairQueue<string>(
      (item) => {
        if (item === 'bad') throw new Error('no');
        handled.push(item);
      },
      (_error, item) => failed.push(item),
    );
    await Promise.all([queue.push('a', 'bad'), queue.push('a', 'good')]);
    expect(failed).toEqual(['bad']);
    expect(handled).toEqual(['good']);
  });

  it('lets sockets and timers run between items whose handler finishes without I/O', async () => {
    // A loopback echo: its answer can only arrive when the event loop polls for I/O.
    server = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const FLOOD = 200;
    let handled = 0;
    const queue = new FairQueue<number>(
      () => {
        busyFor(2);
        handled++;
      },
      () => undefined,
    );
    const flood = Array.from({ length: FLOOD }, (_, i) => queue.push('flood', i));
    const echoed = new Promise<number>((resolve) => client.once('data', () => resolve(handled)));
    const timed = new Promise<number>((resolve) => setTimeout(() => resolve(handled), 0));
    client.write('ping');
    const [atEcho, atTimer] = await Promise.all([echoed, timed]);
    await Promise.all(flood);
    client.destroy();
    expect(handled).toBe(FLOOD);
    // A few items at most: each turn of the loop runs one item, and the echo takes a few turns.
    expect(atTimer, `the timer fired after ${atTimer} of ${FLOOD} items`).toBeLessThan(10);
    expect(atEcho, `the echo came back after ${atEcho} of ${FLOOD} items`).toBeLessThan(20);
  });
});
