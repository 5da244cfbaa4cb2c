/**
 * No orphans when the process hosting a gateway ends: process.exit(), SIGTERM and SIGINT with a
 * client mid-turn — its app-server must be gone within a few seconds. (close() and a client
 * leaving are in gateway-e2e.spec.ts.)
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { processGone, waitGone } from '../support/e2e.js';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const PARENT = path.join(__dirname, 'gateway-parent.ts');
const CHILD_GONE_MS = 5000;

function startParent(mode: 'exit' | 'wait') {
  const proc = spawn(process.execPath, ['--import', 'tsx', PARENT, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const ready = new Promise<{ childPid: number; homeDir: string }>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      if (/^DONE$/m.test(out)) resolve({ childPid: Number(/^CHILD_PID=(\d+)$/m.exec(out)![1]), homeDir: /^HOME_DIR=(.*)$/m.exec(out)![1] });
    });
    void exited.then(() => reject(new Error(`parent ended before DONE: ${out} ${err}`)));
  });
  return { proc, exited, ready };
}

/** Waits for the app-server to go; one that outlives its gateway's process by `ms` is killed and fails the test. */
async function goneWithin(pid: number, ms: number): Promise<void> {
  try {
    await waitGone(pid, ms);
  } catch {
    process.kill(pid, 'SIGKILL');
    throw new Error(`app-server ${pid} outlived its gateway's process by ${ms} ms`);
  }
}

describe('gateway: no orphan app-servers when the hosting process ends', () => {
  it.each([
    ['process.exit()', 'exit', undefined],
    ['SIGTERM', 'wait', 'SIGTERM'],
    ['SIGINT', 'wait', 'SIGINT'],
  ] as const)('%s with a client mid-turn ends its app-server', async (_label, mode, signal) => {
    const parent = startParent(mode);
    const { childPid, homeDir } = await parent.ready;
    try {
      expect(childPid).toBeGreaterThan(0);
      expect(processGone(childPid)).toBe(false);
      if (signal) parent.proc.kill(signal);
      await parent.exited;
      await goneWithin(childPid, CHILD_GONE_MS);
    } finally {
      rmSync(path.dirname(homeDir), { recursive: true, force: true });
    }
  });
});
