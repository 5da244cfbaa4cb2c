/**
 * startAppServer never leaves a server (or its token file) behind: a parent process
 * (spec/node/app-server-parent.ts) starts one, then exits by itself, is signalled, or is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { Codex } from '../../lib/node/index.js';
import { ValidationError } from '../../lib/errors.js';
import { startAppServer } from '../../lib/node/start-app-server.js';
import { eventually, processGone } from '../support/e2e';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const PARENT = path.join(__dirname, 'app-server-parent.ts');

interface Parent {
  proc: ChildProcess;
  pid: number;
  tokenFile: string;
  home: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startParent(mode: 'exit' | 'wait'): Promise<Parent> {
  const proc = spawn(process.execPath, ['--import', 'tsx', PARENT, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes('DONE\n')) return;
      const field = (k: string) => out.split('\n').find((l) => l.startsWith(`${k}=`))!.slice(k.length + 1);
      resolve({ proc, pid: Number(field('PID')), tokenFile: field('TOKEN_FILE'), home: field('HOME_DIR'), exited });
    });
    void exited.then(({ code, signal }) => reject(new Error(`parent ended early (${code}/${signal}): ${err}`)));
  });
}

describe('startAppServer: no orphans, no secrets left behind', () => {
  const parents: Parent[] = [];
  afterEach(() => {
    for (const p of parents.splice(0)) {
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
      if (!processGone(p.pid)) process.kill(p.pid, 'SIGKILL');
      rmSync(p.home, { recursive: true, force: true });
    }
  });

  async function parent(mode: 'exit' | 'wait') {
    const p = await startParent(mode);
    parents.push(p);
    if (mode === 'wait') {
      // (an 'exit' parent may already be gone by now, which is the point of that test)
      expect(processGone(p.pid)).toBe(false);
      expect(existsSync(p.tokenFile)).toBe(true);
    }
    return p;
  }

  it('a parent that has nothing else to do exits by itself (the server does not hold it) and the server goes with it', async () => {
    const p = await parent('exit');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    await eventually(() => expect(processGone(p.pid)).toBe(true), 8000);
    expect(existsSync(p.tokenFile)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('the parent gets %s → the server exits and its token file is removed', async (signal) => {
    const p = await parent('wait');
    p.proc.kill(signal);
    expect(await p.exited).toEqual({ code: null, signal });
    await eventually(() => expect(processGone(p.pid)).toBe(true), 8000);
    await eventually(() => expect(existsSync(p.tokenFile)).toBe(false), 2000);
  });
});

describe('startAppServer in this process', () => {
  it('serves several clients; close() leaves no process and no token file, and is idempotent', async () => {
    const server = await startAppServer();
    const a = new Codex({ url: server.url, token: server.token });
    const b = new Codex({ url: server.url, token: server.token });
    const [ia, ib] = await Promise.all([lastValueFrom(a.connect()), lastValueFrom(b.connect())]);
    expect(ia.userAgent).toBe(ib.userAgent);
    await Promise.all([a.close(), b.close()]);
    await Promise.all([server.close(), server.close()]);
    expect(processGone(server.pid)).toBe(true);
  });

  it('refuses a bad port before starting anything', async () => {
    await expect(startAppServer({ port: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});
