import { rmSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { bundleForBrowser } from '../package/browser-bundler';
import { installPackedPackage } from '../package/packed-package';

// Bundles the PACKED package's `codex-rx/testing` for a browser (esbuild, platform "browser"),
// proves nothing reachable imports a Node built-in or a Node-only dependency, and plays a
// scripted turn with an approval inside a bare page-like context.
let dir: string;

beforeAll(() => {
  dir = installPackedPackage(['rxjs', 'ajv']); // deliberately not ws, jose, cross-spawn, @openai/codex
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundle = (source: string, format: 'esm' | 'iife') => bundleForBrowser(dir, source, format, 'kit');

test('codex-rx/testing bundles for a browser with no Node built-in and no Node-only dependency', async () => {
  const { builtins, inputs } = await bundle("export * from 'codex-rx/testing';", 'esm');
  expect(builtins).toEqual([]);
  expect(inputs.some((f) => f.includes('node_modules/codex-rx/dist/esm/testing/index.js'))).toBe(true);
  expect(inputs.filter((f) => /node_modules\/(ws|jose|cross-spawn|@openai)\//.test(f))).toEqual([]);
  expect(inputs.filter((f) => f.includes('/testing/node/') || f.includes('stdio'))).toEqual([]);
}, 120_000);

test('in a page, a FakeAppServer plays a turn with an approval and records the answer', async () => {
  const { code } = await bundle(
    `
    import { lastValueFrom, toArray } from 'rxjs';
    import { FakeAppServer, scriptTurn } from 'codex-rx/testing';
    export async function play() {
      const server = new FakeAppServer().enqueueTurn(scriptTurn().command('ls', { approval: true, output: 'a\\n' }).agentMessage('Listed.'));
      const codex = server.createClient({ approvalHandler: () => ({ decision: 'decline' }) });
      const failures = [];
      codex.approvalFailures$.subscribe((f) => failures.push(String(f.error && f.error.message)));
      const thread = await lastValueFrom(codex.threadStart());
      const events = await lastValueFrom(thread.turn('list').pipe(toArray()));
      await codex.close();
      return { methods: events.map((e) => e.method), answers: server.answers.map((a) => a.result ?? a.error), failures };
    }`,
    'iife',
  );
  // A bare context: no require, no process, no Buffer — only globals every page has.
  const page = { TextEncoder, TextDecoder, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, AbortController, AbortSignal, EventTarget, Event, console } as Record<string, unknown>;
  runInNewContext(code, page);
  const played = await (page.kit as { play(): Promise<{ methods: string[]; answers: unknown[]; failures: string[] }> }).play();
  expect(played.failures).toEqual([]);
  expect(played.answers).toEqual([{ decision: 'decline' }]);
  expect(played.methods[0]).toBe('turn/started');
  expect(played.methods).toContain('item/commandExecution/requestApproval');
  expect(played.methods).not.toContain('item/commandExecution/outputDelta'); // declined: it never ran
  expect(played.methods[played.methods.length - 1]).toBe('turn/completed');
}, 120_000);
