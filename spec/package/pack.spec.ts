import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Packs codex-rx as npm would publish it, installs the tarball into a temp project (its
// dependencies linked from this checkout: no network) and uses it through `import` and `require`.
const root = path.resolve(__dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = path.join(dir, JSON.parse(out)[0].filename);
  const pkg = path.join(dir, 'node_modules', 'codex-rx');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  for (const dep of ['rxjs', 'ajv', 'cross-spawn', '@openai']) {
    symlinkSync(path.join(root, 'node_modules', dep), path.join(dir, 'node_modules', dep));
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 }).trim();

// Connects over the in-memory transport, then over the real binary the package resolves itself.
const program = (load: string) => `
${load}
const { lastValueFrom } = rx;
(async () => {
  const fake = new cx.InMemoryTransport();
  const c1 = new cx.Codex({ transport: fake });
  const init = await lastValueFrom(c1.connect());
  await c1.close();
  const c2 = new cx.Codex();
  const real = await lastValueFrom(c2.connect());
  await c2.close();
  console.log([typeof cx.Codex, init.platformOs, /0\\.169\\.0/.test(real.userAgent), typeof testing.ScriptedModelServer, cx.TransportClosedError.is(new cx.TransportClosedError('x'))].join(' '));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('the tarball ships dist and the docs, not the sources', () => {
  const files = readdirSync(path.join(dir, 'node_modules', 'codex-rx'));
  expect(files.sort()).toEqual(['CHANGELOG.md', 'README.md', 'dist', 'package.json']);
});

test('require() loads the CommonJS build and it runs the real binary', () => {
  const out = run(['-e', program("const cx = require('codex-rx'); const testing = require('codex-rx/testing/node'); const rx = require('rxjs');")]);
  expect(out).toBe('function linux true function true');
}, 60_000);

test('import loads the ES module build and it runs the real binary', () => {
  const out = run(['--input-type=module', '-e', program("import * as cx from 'codex-rx'; import * as testing from 'codex-rx/testing/node'; import * as rx from 'rxjs';")]);
  expect(out).toBe('function linux true function true');
}, 60_000);
