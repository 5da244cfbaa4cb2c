import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { childPids, commandLine } from '../../support/processes';

// CommonJS helpers shared with scripts/setup-web.mjs (plain JS, so both can load them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require('../../../scripts/web/state.cjs') as { SAMPLE: string; staleReason(): string | undefined };

/** The web demo's server (samples/angular-progress/server/main.ts) running as a child process. */
export interface WebDemo {
  /** e.g. http://127.0.0.1:PORT */
  readonly origin: string;
  readonly pid: number;
  /** Pids of the app-servers the gateway runs right now (the server's `codex app-server` children). */
  appServers(): number[];
  /** Everything the server printed. */
  output(): string;
  /** Restarts the gateway (SIGHUP): every page's connection drops; resolves once the old one is closed. */
  restartGateway(): Promise<void>;
  stop(): Promise<void>;
}

/** One line that says why the browser tests cannot run yet, or undefined. */
export function setupProblem(): string | undefined {
  const reason = state.staleReason();
  return reason ? `${reason}: run \`node scripts/setup-web.mjs --chromium\` (\`npm test\` does it first)` : undefined;
}

/** Starts the web demo on a free port (scripted model) and resolves once it prints its URL. */
export async function startWebDemo(): Promise<WebDemo> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts'), '--port', '0'], {
    cwd: state.SAMPLE,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web demo did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web demo exited (${code}) before it listened:\n${output}`));
    });
  });
  return {
    origin,
    pid: child.pid!,
    appServers: () => childPids(child.pid!).filter((pid) => commandLine(pid).includes('app-server')),
    output: () => output,
    restartGateway: async () => {
      const restarts = () => output.split('gateway restarted').length;
      const before = restarts();
      child.kill('SIGHUP');
      for (let i = 0; i < 300 && restarts() === before; i++) await new Promise((r) => setTimeout(r, 50));
      if (restarts() === before) throw new Error(`the gateway did not restart:\n${output}`);
    },
    stop: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
