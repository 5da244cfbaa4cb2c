import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { bundleForBrowser, bundleSplitForBrowser, type BundleChunk } from './browser-bundler';
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
  const { code } = await bundle("export { Codex, CodexError, ValidationError } from 'codex-rx'; export { InMemoryTransport } from 'codex-rx/testing';", 'iife');
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

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const sum = (chunks: readonly BundleChunk[]) => ({ bytes: chunks.reduce((n, c) => n + c.bytes, 0), gzip: chunks.reduce((n, c) => n + c.gzip, 0) });
const holds = (chunk: BundleChunk, file: RegExp) => chunk.inputs.some((i) => file.test(i));
// What only validation needs: the params validators and their wording, the answer checks of
// server requests, ajv's compiler, the schema text and the tables only validation reads.
const VALIDATION_ONLY =
  /codex-rx\/dist\/esm\/(protocol\/(validators|answer-validators|params-definitions|schema-text|result-schema-text|validation-tables)\.generated|validation\/(params-validator|inbound-validator|protocol-schemas|output-validator|explain|formats)|approvals\/answer-check)\.js$|node_modules\/ajv\/dist\/(core|compile\/index)\.js$/;

test('bundled with code splitting, Codex + WebSocketTransport + turnProgress + agentText leave everything validation-related out of the first load', async () => {
  const split = await bundleSplitForBrowser(dir, "export { Codex, WebSocketTransport, turnProgress, agentText } from 'codex-rx';", 'split');
  expect(split.builtins).toEqual([]);
  const first = split.chunks.filter((c) => c.firstLoad);
  const lazy = split.chunks.filter((c) => !c.firstLoad);
  expect(first.flatMap((c) => c.inputs.filter((i) => VALIDATION_ONLY.test(i)))).toEqual([]);
  const validators = lazy.find((c) => holds(c, /protocol\/validators\.generated\.js$/));
  expect(validators).toBeDefined();
  expect(lazy.some((c) => holds(c, /node_modules\/ajv\/dist\/core\.js$/))).toBe(true);
  // Answering a server request loads its checks with the first request.
  expect(lazy.some((c) => holds(c, /protocol\/answer-validators\.generated\.js$/))).toBe(true);
  // And so do what a turn does not need: answering server requests, attach, the ChatGPT logins, the Answers helpers.
  const NOT_FOR_A_TURN = /codex-rx\/dist\/esm\/(approvals\/(answering|answers)|turn\/(attach-stream|turn-recorder)|login|streams\/all-streams)\.js$/;
  expect(first.flatMap((c) => c.inputs.filter((i) => NOT_FOR_A_TURN.test(i)))).toEqual([]);

  const all = sum(split.chunks);
  const firstLoad = sum(first);
  // Issue 23: at most 30 KiB gzip at first load (the sum over the files a page loads with the entry).
  expect(firstLoad.gzip).toBeLessThanOrEqual(30 * 1024);
  const largest = first
    .flatMap((c) => Object.entries(c.inputBytes))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([file, bytes]) => `${kb(bytes)} ${file.replace(/^.*node_modules\//, '')}`);
  process.stdout.write(
    `browser bundle, Codex + WebSocketTransport + turnProgress + agentText (esbuild, splitting): first load ${kb(firstLoad.bytes)} min, ${kb(firstLoad.gzip)} min+gzip (${first.length} files); ` +
      `params validators chunk ${kb(validators!.bytes)} min, ${kb(validators!.gzip)} min+gzip; with every validation chunk ${kb(all.bytes)} min, ${kb(all.gzip)} min+gzip (${split.chunks.length} files)\n` +
      `largest inputs of the first load (minified bytes in the output):\n  ${largest.join('\n  ')}\n`,
  );
}, 60_000);

test('the split bundle validates on first use: bad params are a ValidationError before anything is sent; a chunk that fails to load is a CodexError that says so', async () => {
  const split = await bundleSplitForBrowser(dir, "export { Codex, CodexError, ValidationError } from 'codex-rx'; export { InMemoryTransport } from 'codex-rx/testing';", 'run');
  const program = `
    import * as cx from './entry.js';
    const t = new cx.InMemoryTransport();
    t.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    const codex = new cx.Codex({ transport: t });
    const outcome = (o) => new Promise((resolve) => o.subscribe({ next: (v) => resolve({ value: v }), error: (e) => resolve({ error: e }) }));
    const bad = await outcome(codex.request('model/list', { limit: -1 }));
    const sentAfterBad = t.sent.length;
    const good = await outcome(codex.request('model/list', {}));
    console.log(JSON.stringify({
      bad: { validation: cx.ValidationError.is(bad.error), codex: cx.CodexError.is(bad.error), message: bad.error && bad.error.message },
      sentAfterBad,
      good: good.value ?? { message: good.error.message },
      sent: t.sent.map((m) => m.method),
    }));
    await codex.close();`;
  const run = () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program], { cwd: split.outdir, encoding: 'utf8', timeout: 60_000 }));
  expect(run()).toEqual({
    bad: { validation: true, codex: true, message: 'model/list params: limit must be >= 0' },
    sentAfterBad: 0,
    good: { data: [], nextCursor: null },
    sent: ['initialize', 'initialized', 'model/list'],
  });
  // A deploy that lost the chunk (a 404 in a browser): that request fails with a CodexError, nothing is sent.
  const validators = split.chunks.find((c) => !c.firstLoad && holds(c, /protocol\/validators\.generated\.js$/))!;
  rmSync(path.join(split.outdir, validators.file));
  const lost = run();
  expect(lost.bad).toEqual({ validation: false, codex: true, message: expect.stringMatching(/^codex-rx could not load its params validators \(a chunk loaded on first use\): /) });
  expect(lost.sentAfterBad).toBe(0);
}, 60_000);

test('the browser-safe builds load the validators on first use under Node too (CommonJS: require in a promise; ES modules: import())', () => {
  const built = path.join(dir, 'node_modules', 'codex-rx', 'dist');
  const program = (load: string) => `
    ${load}
    const t = new mem.InMemoryTransport();
    const codex = new cx.Codex({ transport: t });
    let error;
    codex.request('model/list', { limit: -1 }).subscribe({ error: (e) => (error = e) });
    const atOnce = error === undefined;
    setTimeout(() => {
      console.log(JSON.stringify([atOnce, cx.ValidationError.is(error), error && error.issues, t.sent.length]));
      codex.close();
    }, 50);`;
  const expected = [true, true, [{ path: 'limit', message: 'must be >= 0' }], 0];
  const cjs = program(`const cx = require(${JSON.stringify(path.join(built, 'cjs', 'index.js'))}); const mem = require(${JSON.stringify(path.join(built, 'cjs', 'transport', 'in-memory-transport.js'))});`);
  expect(JSON.parse(execFileSync(process.execPath, ['-e', cjs], { cwd: dir, encoding: 'utf8', timeout: 60_000 }))).toEqual(expected);
  const esm = program(`import * as cx from ${JSON.stringify(pathToFileURL(path.join(built, 'esm', 'index.js')).href)}; import * as mem from ${JSON.stringify(pathToFileURL(path.join(built, 'esm', 'transport', 'in-memory-transport.js')).href)};`);
  expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', esm], { cwd: dir, encoding: 'utf8', timeout: 60_000 }))).toEqual(expected);
}, 60_000);
