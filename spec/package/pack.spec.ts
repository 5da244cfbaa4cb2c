import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { installPackedPackage } from './packed-package';

// Packs codex-rx as npm would publish it, installs the tarball into a temp project (its
// dependencies linked from this checkout: no network) and uses it through `import` and `require`.
let dir: string;

beforeAll(() => {
  dir = installPackedPackage();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The pinned @openai/codex version: the packed package must find that binary by itself.
const PIN: string = require('../../package.json').devDependencies['@openai/codex'];

const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 }).trim();

// Connects over the in-memory transport, then over the real binary the package resolves itself.
const program = (load: string) => `
${load}
const PIN = ${JSON.stringify(PIN)};
const { lastValueFrom } = rx;
(async () => {
  const fake = new kit.InMemoryTransport();
  const c1 = new cx.Codex({ transport: fake });
  const init = await lastValueFrom(c1.connect());
  await c1.close();
  const c2 = new cx.Codex();
  const real = await lastValueFrom(c2.connect());
  await c2.close();
  console.log([typeof cx.Codex, init.platformOs, real.userAgent.includes('/' + PIN + ' '), typeof testing.ScriptedModelServer, cx.TransportClosedError.is(new cx.TransportClosedError('x'))].join(' '));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('the tarball ships dist and the docs, not the sources', () => {
  const files = readdirSync(path.join(dir, 'node_modules', 'codex-rx'));
  expect(files.sort()).toEqual(['CHANGELOG.md', 'README.md', 'dist', 'package.json']);
});

test('require() loads the CommonJS build and it runs the real binary', () => {
  const out = run(['-e', program("const cx = require('codex-rx'); const kit = require('codex-rx/testing'); const testing = require('codex-rx/testing/node'); const rx = require('rxjs');")]);
  expect(out).toBe('function linux true function true');
}, 60_000);

test('import loads the ES module build and it runs the real binary', () => {
  const out = run(['--input-type=module', '-e', program("import * as cx from 'codex-rx'; import * as kit from 'codex-rx/testing'; import * as testing from 'codex-rx/testing/node'; import * as rx from 'rxjs';")]);
  expect(out).toBe('function linux true function true');
}, 60_000);

test('under Node, codex-rx and codex-rx/node are the Node entry: the same classes plus StdioTransport and startAppServer', () => {
  const check = "const main = require('codex-rx'); const node = require('codex-rx/node'); console.log([main.Codex === node.Codex, typeof node.StdioTransport, typeof main.WebSocketTransport].join(' '));";
  expect(run(['-e', check])).toBe('true function function');
  const esm = "import * as main from 'codex-rx'; import * as node from 'codex-rx/node'; console.log([main.Codex === node.Codex, typeof node.StdioTransport, typeof main.WebSocketTransport].join(' '));";
  expect(run(['--input-type=module', '-e', esm])).toBe('true function function');
}, 60_000);
