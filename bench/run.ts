/** `npm run bench`: runs every benchmark and prints its figures with the machine they ran on. */
import { cpus, totalmem } from 'node:os';
import { benchStore } from './store.js';

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`deskops benchmarks on ${machine}\n`);

const count = Number(process.env.BENCH_TICKETS ?? 20_000);
console.log(`Store (${count.toLocaleString('en-US')} tickets, WAL, one transaction per ticket)`);
for (const [name, value] of Object.entries(benchStore(count))) {
  console.log(`  ${name.padEnd(38)} ${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}`);
}
