/**
 * The parent process of spec/reliability/orphans.spec.ts (run with tsx): builds a Codex over the
 * real binary (scripted model, temp CODEX_HOME, all in this process) or over the fake
 * app-server, connects, runs a turn, prints `CHILD_PID=<pid>` and then ends as told:
 *
 *   tsx orphan-parent.ts <real|fake> <exit|wait|drop|mid-turn|listen>
 *
 *   exit      process.exit(0) with the Codex still open
 *   wait      stay alive (the spec sends SIGTERM or SIGINT; no handler is installed)
 *   drop      forget the Codex without close(); the event loop must drain by itself
 *   mid-turn  start a turn whose model never answers, print the pid, stay alive (for signals)
 *   listen    like drop, but keep a notifications$ subscription for 500 ms first
 *
 * Also prints `HOME_DIR=<dir>` (the spec removes it), `STATS=<codex.stats>` and `DONE` when
 * setup finished.
 */
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { Codex } from '../../lib/node/index.js';
import { StdioTransport } from '../../lib/transport/stdio-transport.js';
import { createCodexHome, message, ScriptedModelServer } from '../../lib/testing/node/index.js';
import { scenarioEnv } from '../support/fake-app-server-harness.js';

async function main(): Promise<void> {
  const [server = 'fake', mode = 'exit', fakeBin = ''] = process.argv.slice(2);
  let transport: StdioTransport;
  let model: ScriptedModelServer | undefined;
  if (server === 'real') {
    model = await ScriptedModelServer.start({ steps: [mode === 'mid-turn' ? message('thinking…', { hang: true }) : message('pong')] });
    const home = await createCodexHome({ modelServerUrl: model.url });
    console.log(`HOME_DIR=${home.dir}`);
    transport = new StdioTransport({ env: home.env, cwd: home.workspace, closeGraceMs: 500 });
  } else {
    transport = new StdioTransport({ codexBin: fakeBin, env: scenarioEnv(mode === 'mid-turn' ? { on: { 'turn/start': [{ respond: { turn: { id: 't', status: 'inProgress' } } }, { sleep: 600_000 }] } } : {}), closeGraceMs: 500 });
  }
  let codex: Codex | undefined = new Codex({ transport });
  await firstValueFrom(codex.connect());
  const thread = await firstValueFrom(codex.threadStart());
  if (mode === 'mid-turn') {
    thread.turn('hang').subscribe({ error: () => undefined });
    await new Promise((r) => setTimeout(r, 300));
  } else {
    await lastValueFrom(thread.run('ping'));
  }
  console.log(`CHILD_PID=${transport.pid}`);
  console.log(`STATS=${JSON.stringify(codex.stats)}`);
  console.log('DONE');

  switch (mode) {
    case 'exit':
      return process.exit(0);
    case 'wait':
    case 'mid-turn':
      setInterval(() => undefined, 1000);
      return;
    case 'listen': {
      const sub = codex.notifications$.subscribe();
      setTimeout(() => {
        console.log('UNSUBSCRIBED');
        sub.unsubscribe();
      }, 500);
      await model?.close();
      codex = undefined; // dropped without close(): only the subscription keeps this process alive
      return;
    }
    case 'drop':
      await model?.close();
      codex = undefined; // dropped without close(): nothing may keep this process alive now
      return;
  }
}

void main().then(undefined, (e) => {
  console.error(e);
  process.exit(1);
});
