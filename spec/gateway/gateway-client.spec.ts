/**
 * codex-rx's own client through the gateway, as a page uses it: `new Codex({ url, token })`
 * with a browser-like WebSocket (sends an Origin, carries the token as a subprotocol, sets no
 * headers) and as a Node client (Authorization header). Real app-server, scripted model.
 */
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { AuthenticationError, Codex, MethodNotAllowedError, TransportClosedError } from '../../lib/node/index.js';
import { createCodexGateway, CloseCode, type CodexGateway } from '../../lib/gateway/index.js';
import { message } from '../../lib/testing/node/index.js';
import { processGone, startModelHome, type ModelHome } from '../support/e2e.js';
import { appServerChildren } from './support.js';

jest.setTimeout(120_000);

const ORIGIN = 'http://localhost:4200';
const TOKEN = 'client-spec-token-77aa';
const TOKEN_2 = 'client-spec-token-second';

/** What a browser's WebSocket does: an Origin header, subprotocols, and no way to set headers. */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { origin: ORIGIN });
  }
}

describe('new Codex({ url, token }) through codex-rx/gateway', () => {
  let env: ModelHome;
  let gateway: CodexGateway;
  let url: string;
  const clients: Codex[] = [];

  async function start(steps: ReturnType<typeof message>[]) {
    env = await startModelHome({ steps });
    gateway = createCodexGateway({ allowedOrigins: [ORIGIN], authenticate: (_req, token) => (token === TOKEN ? { id: 'page-user' } : token === TOKEN_2 ? { id: 'other-user' } : undefined), upstream: { env: env.home.env, cwd: env.home.workspace } });
    url = (await gateway.listen({ port: 0 })).url;
  }

  function browserCodex(token = TOKEN): Codex {
    // Two users: TOKEN and TOKEN_2 (each gets its own app-server).
    const codex = new Codex({ url, token, WebSocket: BrowserLikeWebSocket });
    clients.push(codex);
    return codex;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await gateway.close();
    await env.dispose();
  });

  it('runs a turn from a browser-like client and from a Node client of the same user (one app-server for both)', async () => {
    await start([message('from the browser', { chunks: 2 }), message('from node')]);
    const browser = browserCodex();
    const thread = await firstValueFrom(browser.threadStart());
    expect((await lastValueFrom(thread.run('hi'))).finalResponse).toBe('from the browser');
    const node = new Codex({ url, token: TOKEN });
    clients.push(node);
    const nodeThread = await firstValueFrom(node.threadStart());
    expect((await lastValueFrom(nodeThread.run('hi'))).finalResponse).toBe('from node');
    expect(gateway.stats).toMatchObject({ connections: 2, upstreams: 1, denied: 0 });
  });

  it('a method outside the policy fails with MethodNotAllowedError and writes nothing', async () => {
    await start([]);
    const codex = browserCodex();
    await firstValueFrom(codex.connect());
    const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-client-'));
    try {
      const target = path.join(dir, 'written.txt');
      const error = await firstValueFrom(codex.request('fs/writeFile', { path: target, dataBase64: Buffer.from('x').toString('base64') })).catch((e: unknown) => e);
      expect(MethodNotAllowedError.is(error)).toBe(true);
      expect((error as MethodNotAllowedError).data).toEqual({ method: 'fs/writeFile', reason: 'not in the allowed methods' });
      expect(existsSync(target)).toBe(false);
      // The connection stays usable.
      expect((await firstValueFrom(codex.models())).data).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a refused origin or token is an AuthenticationError (browser: close 4403 / 4401 with a reason; Node: HTTP 401) and spawns nothing', async () => {
    await start([]);
    const before = appServerChildren().length;
    const wrong = browserCodex('not-the-token');
    const e401 = await firstValueFrom(wrong.connect()).catch((e: unknown) => e);
    expect(AuthenticationError.is(e401)).toBe(true);
    expect((e401 as AuthenticationError).closeCode).toBe(CloseCode.UNAUTHORIZED);
    expect(String((e401 as Error).message)).toContain('token not accepted');
    expect(String((e401 as Error).message)).not.toContain('not-the-token');
    const node = new Codex({ url, token: 'not-the-token' });
    clients.push(node);
    const http401 = await firstValueFrom(node.connect()).catch((e: unknown) => e);
    expect(AuthenticationError.is(http401)).toBe(true);
    expect((http401 as AuthenticationError).httpStatus).toBe(401);
    class ForeignWebSocket extends WebSocket {
      constructor(u: string, protocols?: string | string[]) {
        super(u, protocols, { origin: 'https://evil.example' });
      }
    }
    const foreign = new Codex({ url, token: TOKEN, WebSocket: ForeignWebSocket });
    clients.push(foreign);
    const e403 = await firstValueFrom(foreign.connect()).catch((e: unknown) => e);
    expect(AuthenticationError.is(e403)).toBe(true);
    expect((e403 as AuthenticationError).closeCode).toBe(CloseCode.FORBIDDEN);
    expect(appServerChildren().length).toBe(before);
    expect(gateway.stats).toMatchObject({ accepted: 0, upstreams: 0, rejected: 3 });
  });

  it("an app-server that crashes mid-turn errors that user's turn with TransportClosedError (4502); another user keeps working", async () => {
    await start([{ ...message('working…'), hang: true }, message('still here')]);
    const a = browserCodex();
    const threadA = await firstValueFrom(a.threadStart());
    const pid = appServerChildren()[0];
    const turn = lastValueFrom(threadA.run('crash'));
    const b = browserCodex(TOKEN_2);
    const threadB = await firstValueFrom(b.threadStart());
    expect(appServerChildren()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500)); // a's turn is streaming (hangs at the model)
    process.kill(pid, 'SIGKILL');
    const error = await turn.catch((e: unknown) => e);
    expect(TransportClosedError.is(error)).toBe(true);
    expect((error as TransportClosedError).closeCode).toBe(CloseCode.UPSTREAM_FAILED);
    expect(processGone(pid)).toBe(true);
    expect((await lastValueFrom(threadB.run('are you there?'))).finalResponse).toBe('still here');
  });
});
