/**
 * codex-rx web demo: the Angular progress UI, served with codex-rx/gateway in front of the real
 * `codex app-server`.
 *
 *   npm run demo:web                 (repo root) the real app-server and a scripted model on
 *                                    127.0.0.1: no account, no network
 *   npm run demo:web -- --live       the real model, with your Codex login (~/.codex), in the
 *                                    current directory
 *   options: --port N (default 4300; 0 = any free port), --host (default 127.0.0.1)
 *
 * Each user (principal) gets one app-server, with a home and workspace of their own, shared by
 * all that user's tabs. The page's token is random per run (or DEMO_TOKEN) and only this server
 * hands it out, with the page. SIGHUP restarts the gateway.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCodexGateway, type Principal, type StdioUpstreamConfig } from 'codex-rx/gateway';
import { createCodexHome, ScriptedModelServer, type CodexHome } from 'codex-rx/testing/node';
import { scriptedAnswer } from './scripted-model.js';
import { createWebServer } from './web-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(here, '..', 'dist', 'browser');
const USAGE = 'usage: npm run demo:web [-- --live] [--port N] [--host 127.0.0.1]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { live: { type: 'boolean' }, port: { type: 'string', default: '4300' }, host: { type: 'string', default: '127.0.0.1' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (!existsSync(path.join(DIST, 'index.html'))) throw new Error('the app is not built: run `npm run demo:web` from the repository root (it builds first)');

  const cleanup: Array<() => Promise<unknown>> = [];
  let workspaceFor: (principal: Principal) => Promise<StdioUpstreamConfig>;
  let mode: string;
  if (values.live) {
    // Your Codex home and login, the directory you started from; approvals are asked on the page.
    const upstream = { cwd: process.env['INIT_CWD'] ?? process.cwd(), configOverrides: { approval_policy: 'on-request', sandbox_mode: 'read-only' } };
    workspaceFor = async () => upstream;
    mode = `the real model, your Codex login, in ${upstream.cwd}`;
  } else {
    const model = await ScriptedModelServer.start({ respond: scriptedAnswer });
    cleanup.push(() => model.close());
    // Each user gets a Codex home and a workspace of their own (made on first use).
    const homes = new Map<string, Promise<CodexHome>>();
    workspaceFor = async (principal) => {
      let home = homes.get(principal.id);
      if (!home) {
        home = createCodexHome({ modelServerUrl: model.url, approvalPolicy: 'on-request', sandbox: 'read-only' }).then(async (h) => {
          cleanup.push(() => h.dispose());
          await writeSampleProject(h.workspace);
          return h;
        });
        homes.set(principal.id, home);
      }
      const { env, workspace } = await home;
      return { env, cwd: workspace };
    };
    mode = 'a scripted model (no account, no network)';
  }

  // The demo has one user; a real server maps its session (cookie, OIDC…) to a principal here.
  const token = process.env['DEMO_TOKEN'] || randomBytes(24).toString('base64url');
  const users = new Map<string, Principal>([[token, { id: 'demo-user' }]]);
  let origin = '';
  const openGateway = () =>
    createCodexGateway({
      allowedOrigins: (o: string) => o === origin,
      // A principal, or undefined (refused: a browser sees close 4401, Node clients HTTP 401).
      authenticate: (_req, presented) => principalFor(users, presented),
      // One app-server per user, shared by all that user's tabs; it outlives their last tab by
      // principalGraceMs (default 5 min), so a reload finds its running turn.
      upstream: (_req, principal) => workspaceFor(principal),
      // The scripted model asks to run its commands outside the sandbox, so that the page has
      // approvals to show. With the real model the gateway declines such requests itself.
      allowEscalation: !values.live,
    });
  let gateway = openGateway();
  cleanup.unshift(() => gateway.close());

  const server = createWebServer({ root: DIST, token, gateway: { handleUpgrade: (req, socket, head) => gateway.handleUpgrade(req, socket, head) }, gatewayPath: '/codex' });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(values.port), values.host, resolve);
  });
  cleanup.unshift(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  const host = values.host.includes(':') ? `[${values.host}]` : values.host;
  origin = `http://${host}:${port}`;
  process.stdout.write(`codex-rx web demo · ${mode}\nopen ${origin}/  (Ctrl-C to stop)\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    server.closeAllConnections();
    void (async () => {
      for (const step of cleanup) await step().catch(() => undefined);
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // SIGHUP restarts the gateway (as a deploy would): every page loses its connection, shows
  // "reconnecting", and comes back on the new one with its threads.
  process.on('SIGHUP', () => {
    const old = gateway;
    gateway = openGateway();
    void old.close().then(() => process.stdout.write('gateway restarted\n'));
  });
}

/** The user whose token was presented, compared in constant time; undefined when none matches. */
function principalFor(users: ReadonlyMap<string, Principal>, presented: string): Principal | undefined {
  const given = Buffer.from(presented);
  for (const [token, principal] of users) {
    const known = Buffer.from(token);
    if (given.length === known.length && timingSafeEqual(given, known)) return principal;
  }
  return undefined;
}

async function writeSampleProject(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'src'));
  await fs.writeFile(path.join(dir, 'README.md'), '# greeter\n\nSays hello.\n');
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'greeter', version: '1.0.0', main: 'src/greet.js' }, null, 2) + '\n');
  await fs.writeFile(path.join(dir, 'src', 'greet.js'), 'exports.greet = (name) => `Hello, ${name}!`;\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`demo:web failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
