import { rmSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { bundleForBrowser } from './browser-bundler';
import { installPackedPackage } from './packed-package';

// Bundles the PACKED package's main entry for a browser, as Angular's builder or Vite would
// (esbuild, platform "browser": the `node` export condition is not taken), and proves that
// nothing reachable from it imports a Node built-in or a Node-only dependency.
let dir: string;

beforeAll(() => {
  dir = installPackedPackage(['rxjs', 'ajv']); // deliberately not ws, jose, cross-spawn, @openai/codex
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundle = (source: string, format: 'esm' | 'iife') => bundleForBrowser(dir, source, format, 'codexRx');

test('the main entry bundles for a browser with no Node built-in and no Node-only dependency', async () => {
  const { builtins, inputs } = await bundle("export * from 'codex-rx';", 'esm');
  expect(builtins).toEqual([]);
  expect(inputs.filter((f) => /node_modules\/(ws|jose|cross-spawn|@openai)\//.test(f))).toEqual([]);
  expect(inputs.some((f) => f.includes('node_modules/codex-rx/dist/esm/index.js'))).toBe(true);
  expect(inputs.filter((f) => f.includes('/dist/esm/node/') || f.includes('stdio'))).toEqual([]);
}, 60_000);

test('in a browser, new Codex() without url or transport fails at once with a CodexError that says what to pass', async () => {
  const { code } = await bundle("export { Codex, CodexError, ValidationError, InMemoryTransport } from 'codex-rx';", 'iife');
  // A bare context: no require, no process, no Buffer — only what a page has that rxjs needs.
  const page = { TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask, console } as Record<string, unknown>;
  runInNewContext(code, page);
  const cx = page.codexRx as Record<string, any>;
  let error: any;
  try {
    new cx.Codex();
  } catch (e) {
    error = e;
  }
  expect(cx.CodexError.is(error)).toBe(true);
  expect(error.message).toMatch(/pass \{ url: 'wss:\/\/…', token \}/);
  expect(error.message).toMatch(/\{ transport \}/);
  // A misspelt key is reported, not ignored.
  let typo: any;
  try {
    new cx.Codex({ ulr: 'wss://example.test' });
  } catch (e) {
    typo = e;
  }
  expect(cx.ValidationError.is(typo)).toBe(true);
  expect(typo.message).toContain('ulr');
  // With a transport the same Codex works in the page.
  expect(() => new cx.Codex({ transport: new cx.InMemoryTransport() })).not.toThrow();
}, 60_000);

test('first-load size of Codex + WebSocketTransport + operators (min+gzip), printed for the release notes', async () => {
  const core = await bundle("export { Codex, WebSocketTransport, agentText, toTurnResult, turnProgress, retryOnOverload, ofMethod } from 'codex-rx';", 'esm');
  expect(core.builtins).toEqual([]);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(`browser bundle, Codex + WebSocketTransport + operators: ${kb(core.code.length)} min, ${kb(core.gzip)} min+gzip\n`);
}, 60_000);
