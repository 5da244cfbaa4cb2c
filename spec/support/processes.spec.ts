// The /proc readers the process-leak specs rely on (spec/gateway, spec/browser, scripts/soak.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { childPids, commandLine, isAlive } from './processes';

async function until(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

describe('process readers (/proc)', () => {
  it('a child is listed, with its command line and alive, until it is gone', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(childPids()).toContain(pid);
    await until('exec of sleep', () => commandLine(pid) === 'sleep 30 ');
    expect(isAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    expect(childPids()).not.toContain(pid);
    expect(commandLine(pid)).toBe('');
    expect(isAlive(pid)).toBe(false);
  });

  it('children of another process; an unreaped (zombie) one is listed but not alive', async () => {
    // sh starts a short sleep in the background, then becomes `sleep 30`, which never reaps it.
    const child = spawn('sh', ['-c', 'sleep 0.05 & exec sleep 30'], { stdio: 'ignore' });
    try {
      await until('the background sleep is a zombie child', () => childPids(child.pid!).some((pid) => !isAlive(pid)));
      expect(childPids(child.pid!)).toHaveLength(1);
      expect(isAlive(child.pid!)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
});
