/**
 * The gateway of bench row 7, in its own process (as in production: the browser is elsewhere).
 * `node bench/.build/bench/gateway-host.js` with GW_SHARED_URL, GW_SHARED_TOKEN, GW_TOKEN,
 * GW_STDIO_ENV (JSON), GW_STDIO_CWD. Path /shared → the shared app-server over ws; /stdio → one
 * app-server per connection. Prints `URL=<ws url>`; on a stdin line `cpu` prints `CPU=<µs>`
 * (user + system of this process) and `STATS=<json>`.
 */
import { createInterface } from 'node:readline';
import { createCodexGateway } from '../lib/gateway/index.js';

const env = process.env;
const gateway = createCodexGateway({
  allowedOrigins: ['http://bench.localhost'],
  authenticate: (_req, token) => token === env.GW_TOKEN,
  upstream: (req) => (req.url === '/shared' ? { url: env.GW_SHARED_URL!, token: env.GW_SHARED_TOKEN } : { env: JSON.parse(env.GW_STDIO_ENV ?? '{}'), cwd: env.GW_STDIO_CWD }),
  // The bench sends requests back to back.
  maxMessagesPerSecond: 1_000_000,
});

void gateway.listen({ port: 0 }).then(({ url }) => console.log(`URL=${url}`));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const c = process.cpuUsage();
    console.log(`CPU=${c.user + c.system}`);
    console.log(`STATS=${JSON.stringify(gateway.stats)}`);
  }
});
process.stdin.once('end', () => void gateway.close().then(() => process.exit(0)));
