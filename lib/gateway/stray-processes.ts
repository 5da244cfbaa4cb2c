/**
 * Processes a principal's app-server left behind. Its sandbox helpers (`bwrap … codex
 * --codex-run-as-fs-helper`) run in process groups of their own and can outlive the app-server,
 * re-parented to init and deaf to SIGTERM; ending the app-server's pid (or group) misses them.
 * Every one of them names the principal's directory in its command line (its sandbox mounts), a
 * directory no other process has reason to name, so the gateway finds them there and kills them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';

/**
 * SIGKILLs every process of this user whose command line names `dir` (Linux: read from /proc;
 * elsewhere nothing to do). Returns the pids it signalled. Never throws: a process may end while
 * it is looked at.
 */
export function killProcessesNaming(dir: string): number[] {
  if (process.platform !== 'linux' || dir.length < 8) return [];
  const uid = process.getuid?.();
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return killed;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      if (uid !== undefined && statSync(`/proc/${entry}`).uid !== uid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args.some((arg) => arg === dir || arg.startsWith(dir + '/') || arg.includes(`"${dir}/`) || arg.includes(`"${dir}"`))) continue;
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // Gone already, or not ours.
    }
  }
  return killed;
}
