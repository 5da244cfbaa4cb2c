/**
 * A tiny Node program that runs `codex app-server` and ends it when its parent goes away. A
 * listening app-server does not exit when its stdin closes (a stdio one does), and a parent
 * killed by a signal runs no exit hook: the watchdog's stdin is a pipe from the parent, which the
 * OS closes however the parent dies; the watchdog then stops the server. It prints the server's
 * pid on stdout and passes its stderr through. Run as `node -e WATCHDOG_SCRIPT <bin> <args…>`.
 */
export const WATCHDOG_SCRIPT = `
const { spawn } = require('node:child_process');
const [bin, ...args] = process.argv.slice(1);
const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
child.once('spawn', () => process.stdout.write(child.pid + '\\n'));
child.once('error', (e) => { process.stderr.write('could not start ' + bin + ': ' + e.message + '\\n'); cleanup(); process.exit(127); });
// The server's private files (its token) go with it, even when the parent died without cleaning up.
const cleanup = () => { if (process.env.CODEX_RX_WATCHDOG_CLEANUP) require('node:fs').rmSync(process.env.CODEX_RX_WATCHDOG_CLEANUP, { recursive: true, force: true }); };
child.once('exit', (code) => { cleanup(); process.exit(code === null ? 1 : code); });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), Number(process.env.CODEX_RX_WATCHDOG_GRACE_MS || 2000)).unref();
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, stop);
`;
