/**
 * Reading the commands Codex asks to run, for approval policies in the samples. Codex reports a
 * command as it will run it — `/bin/bash -c 'echo hi'` (or `-lc` for a login shell) — so a
 * policy looks at the script inside, and refuses anything that chains or redirects.
 */

/** `/bin/bash -lc 'echo hi'` → `echo hi`; other commands unchanged. */
export function scriptOf(command: string | null | undefined): string {
  const text = command ?? '';
  const m = /^\/bin\/(?:ba|z)?sh -l?c (?:'(.*)'|(\S+))$/s.exec(text);
  return m ? (m[1] ?? m[2]) : text;
}

/** True when the script is exactly `program` or `program args…` with no shell operators at all. */
export function isPlainCommand(script: string, program: string): boolean {
  return (script === program || script.startsWith(`${program} `)) && !/[;&|<>`$()\\\n'"]/.test(script);
}
