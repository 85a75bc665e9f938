/**
 * The baseline app for the Slack benchmarks, run as a child process: a Bolt HTTP app whose
 * /ticket only acks, behind a plain server with GET /healthz, as deskops runs it. Environment:
 * PORT, SLACK_SIGNING_SECRET, SLACK_API_URL.
 */
import { createServer } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const port = Number(process.env.PORT);
const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '', endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({ token: 'xoxb-bench', receiver, botId: 'BBENCH', botUserId: 'UBENCH', clientOptions: { slackApiUrl: process.env.SLACK_API_URL }, logLevel: LogLevel.ERROR });
app.command('/ticket', async ({ ack }) => ack());
const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
    return;
  }
  receiver.requestListener(req, res);
});
server.listen(port, '127.0.0.1', () => console.error(`bare Bolt listening on ${port}`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
