import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live processes (Linux: /proc) whose environment carries `NAME=marker`: a sample run tags its
 * whole process tree this way, so none of its children can outlive it unseen.
 */
export function processesWithMarker(name: string, marker: string): string[] {
  if (process.platform !== 'linux') return [];
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${name}=${marker}`)) {
        found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ')}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
