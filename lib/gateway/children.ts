import type { ChildProcess } from 'node:child_process';

// App-servers still running when this process exits are killed: no orphans. A process ended by a
// signal runs no 'exit' hook; then each child sees its stdin close, and `codex app-server` exits
// on that.
const live = new Set<ChildProcess>();
let hooked = false;

/** Tracks a spawned app-server until it exits. */
export function trackChild(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
}
