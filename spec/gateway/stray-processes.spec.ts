/** killProcessesNaming: the sandbox helpers an app-server leaves behind are found by the principal's directory and killed. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { killProcessesNaming } from '../../lib/gateway/stray-processes';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const linux = process.platform === 'linux';

describe('killProcessesNaming', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'codex-rx-strays-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A detached process deaf to SIGTERM whose command line names `arg` (as bwrap's mounts do), in a group of its own. */
  function stray(arg: string): Promise<number> {
    const child = spawn('/bin/sh', ['-c', 'trap "" TERM; echo up; while :; do sleep 1; done', arg], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    child.unref();
    return new Promise((resolve) => child.stdout!.once('data', () => resolve(child.pid!)));
  }

  (linux ? it : it.failing)('kills every process of this user naming the directory, and only those', async () => {
    const dir = path.join(root, 'alice-0123');
    const inside = await stray(`${dir}/tmp`);
    const exact = await stray(dir);
    const inJson = await stray(`{"path":"${dir}/workspace"}`);
    const sibling = await stray(`${dir}-other/tmp`); // another principal's directory shares the prefix
    try {
      const killed = killProcessesNaming(dir);
      expect(killed.sort()).toEqual([inside, exact, inJson].sort());
      await new Promise((r) => setTimeout(r, 100));
      expect([inside, exact, inJson].map(alive)).toEqual([false, false, false]);
      expect(alive(sibling)).toBe(true);
    } finally {
      for (const pid of [inside, exact, inJson, sibling]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('does nothing for a path too short to be a principal directory', () => {
    expect(killProcessesNaming('/')).toEqual([]);
  });
});
