/**
 * The parent process of gateway-orphans.spec.ts (run with `node --import tsx`): runs a gateway
 * over the real binary (scripted model and temp CODEX_HOME in this process), connects one client
 * mid-turn, prints `CHILD_PID=<app-server pid>`, `HOME_DIR=<dir>` and `DONE`, then ends as told:
 *
 *   exit   process.exit(0) with the gateway still open
 *   wait   stay alive (the spec sends SIGTERM or SIGINT; no handler is installed)
 */
import { createCodexGateway } from '../../lib/gateway/index.js';
import { createCodexHome, message, ScriptedModelServer } from '../../lib/testing/node/index.js';
import { appServerChildren, TestClient } from './support.js';

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'exit';
  const model = await ScriptedModelServer.start({ steps: [message('thinking…', { hang: true })] });
  const home = await createCodexHome({ modelServerUrl: model.url });
  console.log(`HOME_DIR=${home.dir}`);
  const gateway = createCodexGateway({ allowedOrigins: ['http://localhost'], authenticate: (_r, t) => (t === 'parent-token' ? { id: 'parent-user' } : undefined), upstream: { env: home.env, cwd: home.workspace } });
  const { url } = await gateway.listen({ port: 0 });
  const client = await TestClient.connect(url, { origin: 'http://localhost', token: 'parent-token' });
  await client.initialize();
  const threadId = (await client.request('thread/start', {})).result.thread.id;
  await client.request('turn/start', { threadId, input: [{ type: 'text', text: 'hang', text_elements: [] }] });
  await client.waitFor((m) => m.method === 'item/agentMessage/delta');
  console.log(`CHILD_PID=${appServerChildren()[0]}`);
  console.log('DONE');
  if (mode === 'exit') process.exit(0);
  setInterval(() => undefined, 1000);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
