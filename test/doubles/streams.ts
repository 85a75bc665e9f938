/** In-memory output streams for driving the shell without a terminal. */
import { Writable } from 'node:stream';

/** A writable that keeps everything written to it. */
export function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}
