// A parent process for spec/node/start-app-server.spec.ts: starts a listening app-server, prints
// its pid and token file, then ends as the spec asks (exit | wait).
import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAppServer } from '../../lib/node/index';

const mode = process.argv[2];

(async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'codex-rx-parent-home-'));
  const server = await startAppServer({ env: { CODEX_HOME: home } });
  const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
  process.stdout.write(`PID=${server.pid}\nTOKEN_FILE=${cmdline[cmdline.indexOf('--ws-token-file') + 1]}\nHOME_DIR=${home}\nDONE\n`);
  // exit: nothing else keeps the process alive — it must end by itself and take the server along.
  if (mode === 'wait') setInterval(() => undefined, 1000);
})().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
