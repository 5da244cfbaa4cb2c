import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ValidationError } from '../errors.js';
import type { AppServerProcessOptions } from './process-options.js';
import { appServerArgs } from './stdio-args.js';
import { resolveCodexBinary } from './stdio-binary.js';

// Children still running when the parent process exits are killed: no orphans. (A parent
// killed by a signal runs no 'exit' hook: the child then sees its stdin end, and
// `codex app-server` exits on that.)
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => liveChildren.delete(child));
}

/**
 * Spawns `codex app-server --listen stdio://` with piped stdio: the binary resolved as everywhere
 * else (its package's PATH entry prepended), `env` merged over this process's (or, with
 * `cleanEnv`, `env` alone: nothing of this process's environment), and the child killed if this
 * process exits first. Throws BinaryNotFoundError or a ValidationError of the args.
 */
export function spawnAppServer(
  options: Pick<AppServerProcessOptions, 'codexBin' | 'launchArgsOverride' | 'configOverrides' | 'cwd' | 'env'>,
  { cleanEnv = false }: { cleanEnv?: boolean } = {},
): {
  readonly child: ChildProcess;
  readonly binaryPath: string;
} {
  const binary = resolveCodexBinary(options.codexBin);
  // The binary is a native executable (codex.exe on Windows), so Node's own spawn needs no shell
  // (and no cross-spawn). A .cmd/.bat launcher would need one, with its quoting hazards: refused.
  if (process.platform === 'win32' && /\.(cmd|bat)$/i.test(binary.path)) {
    throw new ValidationError('codexBin', [{ path: 'codexBin', message: 'must be the native codex.exe, not a .cmd/.bat launcher' }]);
  }
  const args = appServerArgs(options);
  const env: Record<string, string | undefined> = cleanEnv ? { ...options.env } : { ...process.env, ...options.env };
  if (binary.extraPath) env.PATH = [binary.extraPath, env.PATH].filter(Boolean).join(path.delimiter);
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(binary.path, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  return { child, binaryPath: binary.path };
}

/**
 * Ends a child gracefully: closes its stdin, then SIGTERM after `graceMs`, then SIGKILL after as
 * long again; resolves with `exited` (which must settle when the child is gone).
 */
export function endChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.stdin?.end();
  const escalate = (signal: NodeJS.Signals, after: number) =>
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }, after);
  const term = escalate('SIGTERM', graceMs);
  const kill = escalate('SIGKILL', graceMs * 2);
  return exited.finally(() => {
    clearTimeout(term);
    clearTimeout(kill);
  });
}
