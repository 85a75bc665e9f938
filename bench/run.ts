/** `npm run bench`: runs every benchmark and prints its figures with the machine they ran on. */
import { cpus, totalmem } from 'node:os';
import { benchSweep } from './sla.js';
import { benchSlackCommands } from './slack.js';
import { benchStore } from './store.js';

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`deskops benchmarks on ${machine}\n`);

const count = Number(process.env.BENCH_TICKETS ?? 20_000);
console.log(`Store (${count.toLocaleString('en-US')} tickets, WAL, one transaction per ticket)`);
for (const [name, value] of Object.entries(benchStore(count))) {
  console.log(`  ${name.padEnd(38)} ${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}`);
}

const sizes = (process.env.BENCH_SWEEP_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const due = 100;
console.log(`\nSLA sweep and ladder tick (${due} clocks and 10 escalations due; the rest not yet)`);
console.log(`  ${'open tickets'.padStart(12)}  ${'sweep ms'.padStart(9)}  ${'queued'.padStart(6)}  ${'ladder ms'.padStart(9)}`);
for (const open of sizes) {
  const f = benchSweep(open, due);
  console.log(`  ${open.toLocaleString('en-US').padStart(12)}  ${f.sweepMs.toFixed(1).padStart(9)}  ${String(f.queued).padStart(6)}  ${f.ladderMs.toFixed(1).padStart(9)}  (${f.ladderDue} escalations advanced)`);
}

const commands = Number(process.env.BENCH_SLACK_COMMANDS ?? 1_000);
console.log(`\nSlack slash command round trip, HTTP mode, signed requests on loopback (${commands.toLocaleString('en-US')} commands each; rate with 16 in flight)`);
const slack = await benchSlackCommands(commands, 16);
for (const [name, f] of [['deskops', slack.deskops], ['bare Bolt (ack only)', slack.bareBolt]] as const) {
  const answered = f.answeredP50Ms === undefined ? '' : `  answered p50 ${f.answeredP50Ms.toFixed(1)} ms, p99 ${f.answeredP99Ms!.toFixed(1)} ms`;
  console.log(`  ${name.padEnd(22)} ack p50 ${f.ackP50Ms.toFixed(1)} ms, p99 ${f.ackP99Ms.toFixed(1)} ms, ${Math.round(f.perSecond)}/s${answered}`);
}
console.log(`  p99 ratio (deskops / bare): ${(slack.deskops.ackP99Ms / slack.bareBolt.ackP99Ms).toFixed(1)}`);
