import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TransportClosedError, ValidationError } from '../errors.js';
import { redactSecrets } from '../secret-redaction.js';
import type { AppServerProcessOptions } from '../transport/process-options.js';
import { TextRingBuffer } from '../transport/ring-buffer.js';
import { configArgs } from '../transport/stdio-args.js';
import { resolveCodexBinary } from '../transport/stdio-binary.js';
import { WATCHDOG_SCRIPT } from './app-server-watchdog.js';
import { MIN_SHARED_SECRET_BYTES } from './signed-bearer-token.js';

/** How to start a listening app-server. */
export interface StartAppServerOptions extends Pick<AppServerProcessOptions, 'codexBin' | 'configOverrides' | 'cwd' | 'env' | 'stderrTailChars' | 'closeGraceMs'> {
  /** Port on 127.0.0.1 (default 0: a free one, read back from the server). */
  readonly port?: number;
  /**
   * `'capability-token'` (default): a fresh random token, returned as `token`. Or signed bearer
   * tokens: clients then pass `signedBearerToken` with the same secret (`token` is undefined).
   */
  readonly auth?: 'capability-token' | { readonly signedBearerToken: { readonly sharedSecret: string; readonly issuer?: string; readonly audience?: string } };
  /** The capability token to require (default: a fresh random one). E.g. to restart a server its clients know. */
  readonly token?: string;
  /** Give up when the server is not ready (`/readyz`) within this long (default 30 000 ms). */
  readonly readyTimeoutMs?: number;
  /** Applied to the stderr text kept for error messages. */
  readonly redact?: (text: string) => string;
}

/** A running, listening app-server that several Codex clients can share. */
export interface RunningAppServer {
  /** `ws://127.0.0.1:PORT`. */
  readonly url: string;
  /** The capability token clients pass as `token` (undefined with signed bearer tokens). Never printed. */
  readonly token: string | undefined;
  /** The app-server's process id. */
  readonly pid: number;
  /** Ends the server (graceful, then forced) and removes its token file. Idempotent. */
  close(): Promise<void>;
}

// Servers still running when this process exits are killed and their secrets removed.
const live = new Set<{ kill(): void }>();
let hooked = false;
function track(entry: { kill(): void }): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const e of live) e.kill();
    });
  }
  live.add(entry);
}

/**
 * Starts `codex app-server --listen ws://127.0.0.1:0` with its own auth (a random capability
 * token in a private 0600 file by default), reads the port it chose from stderr, waits for
 * `/readyz`, and resolves `{ url, token, pid, close() }`. Node only.
 *
 * It does not keep the Node process alive by itself, and it never outlives it: it is stopped
 * when this process exits (also on SIGINT/SIGTERM/SIGKILL, through a watchdog).
 *
 * @example
 * const server = await startAppServer();
 * const a = new Codex({ url: server.url, token: server.token });
 */
export function startAppServer(options: StartAppServerOptions & { auth?: 'capability-token' }): Promise<RunningAppServer & { readonly token: string }>;
export function startAppServer(options?: StartAppServerOptions): Promise<RunningAppServer>;
export async function startAppServer(options: StartAppServerOptions = {}): Promise<RunningAppServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError('startAppServer', [{ path: 'port', message: 'must be an integer from 0 to 65535' }]);
  const auth = options.auth ?? 'capability-token';
  const binary = resolveCodexBinary(options.codexBin);
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-app-server-')); // mode 0700
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let token: string | undefined;
  const authArgs: string[] = [];
  try {
    if (auth === 'capability-token') {
      if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length < 16)) {
        throw new ValidationError('startAppServer', [{ path: 'token', message: 'must be a string of at least 16 characters' }]);
      }
      token = options.token ?? randomBytes(32).toString('base64url');
      const file = path.join(dir, 'ws-token');
      writeFileSync(file, token, { mode: 0o600, flag: 'wx' });
      authArgs.push('--ws-auth', 'capability-token', '--ws-token-file', file);
    } else {
      const { sharedSecret, issuer, audience } = auth.signedBearerToken;
      if (typeof sharedSecret !== 'string' || Buffer.byteLength(sharedSecret) < MIN_SHARED_SECRET_BYTES) {
        throw new ValidationError('startAppServer', [{ path: 'auth.signedBearerToken.sharedSecret', message: `must be a string of at least ${MIN_SHARED_SECRET_BYTES} bytes` }]);
      }
      const file = path.join(dir, 'ws-shared-secret');
      writeFileSync(file, sharedSecret, { mode: 0o600, flag: 'wx' });
      authArgs.push('--ws-auth', 'signed-bearer-token', '--ws-shared-secret-file', file);
      if (issuer !== undefined) authArgs.push('--ws-issuer', issuer);
      if (audience !== undefined) authArgs.push('--ws-audience', audience);
    }
  } catch (e) {
    removeDir();
    throw e;
  }
  const secrets = [token, typeof auth === 'object' && typeof auth.signedBearerToken.sharedSecret === 'string' ? auth.signedBearerToken.sharedSecret : undefined];
  const redact = (text: string) => {
    const out = redactSecrets(text, secrets);
    return options.redact ? options.redact(out) : out;
  };

  const args = [...configArgs(options.configOverrides), 'app-server', '--listen', `ws://127.0.0.1:${port}`, ...authArgs];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (binary.extraPath) env.PATH = [binary.extraPath, env.PATH].filter(Boolean).join(path.delimiter);
  const grace = options.closeGraceMs ?? 2000;
  env.CODEX_RX_WATCHDOG_GRACE_MS = String(grace);
  env.CODEX_RX_WATCHDOG_CLEANUP = dir;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, binary.path, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrTail = new TextRingBuffer(options.stderrTailChars ?? 16 * 1024);
  let serverPid: number | undefined;
  const entry = {
    kill: () => {
      for (const pid of [serverPid, watchdog.pid]) {
        try {
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      removeDir();
    },
  };
  track(entry);
  const exited = new Promise<void>((resolve) => watchdog.once('close', () => resolve()));
  void exited.then(() => {
    live.delete(entry);
    removeDir();
  });
  watchdog.stdin!.on('error', () => undefined);

  let stderrText = '';
  const address = new Promise<{ pid: number; url: string }>((resolve, reject) => {
    let stdout = '';
    let url: string | undefined;
    const settle = () => {
      if (serverPid !== undefined && url !== undefined) resolve({ pid: serverPid, url });
    };
    watchdog.stdout!.setEncoding('utf8');
    watchdog.stdout!.on('data', (d: string) => {
      stdout += d;
      const m = /^(\d+)\n/.exec(stdout);
      if (m && serverPid === undefined) {
        serverPid = Number(m[1]);
        settle();
      }
    });
    watchdog.stderr!.setEncoding('utf8');
    watchdog.stderr!.on('data', (d: string) => {
      stderrTail.append(redact(d));
      if (url !== undefined) return;
      stderrText += d;
      const m = /listening on: (ws:\/\/[^\s]+)/.exec(stderrText);
      if (m) {
        url = m[1];
        stderrText = '';
        settle();
      }
    });
    void exited.then(() => reject(new TransportClosedError(`codex app-server exited before listening (exit code ${watchdog.exitCode})`, { exitCode: watchdog.exitCode, stderrTail: stderrTail.toString() })));
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      watchdog.stdin!.end(); // the watchdog stops the server: SIGTERM, then SIGKILL after the grace
      const force = setTimeout(() => entry.kill(), grace * 2 + 1000);
      await exited;
      clearTimeout(force);
      if (serverPid !== undefined) await waitGone(serverPid, grace * 2);
      removeDir();
    })());

  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    const { pid, url } = await withDeadline(address, deadline, () => `codex app-server did not report its address within ${options.readyTimeoutMs ?? 30_000} ms`, stderrTail);
    await waitReady(url, deadline, exited, stderrTail);
    // Like an idle client, a server nobody uses must not keep the script alive; the exit hook ends it.
    unref(watchdog);
    return { url, token, pid, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function unref(child: ChildProcess): void {
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?(): void } | null)?.unref?.();
}

async function withDeadline<T>(promise: Promise<T>, deadline: number, message: () => string, stderrTail: TextRingBuffer): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransportClosedError(message(), { stderrTail: stderrTail.toString() })), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `GET /readyz` until it answers 200. */
async function waitReady(url: string, deadline: number, exited: Promise<void>, stderrTail: TextRingBuffer): Promise<void> {
  const readyz = url.replace(/^ws:/, 'http:').replace(/\/?$/, '/readyz');
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new TransportClosedError('codex app-server exited before it was ready', { stderrTail: stderrTail.toString() });
    const status = await new Promise<number>((resolve) => {
      const req = get(readyz, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.setTimeout(1000, () => req.destroy());
      req.once('error', () => resolve(0));
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new TransportClosedError(`codex app-server was not ready (${readyz}) in time`, { stderrTail: stderrTail.toString() });
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > end) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
