import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packTarball } from './packed-package';

// Installs the PACKED package with npm itself into empty projects, once per audience (README,
// "Install"): a page (`codex-rx rxjs`) and a Node.js app (`codex-rx rxjs @openai/codex`). npm
// resolves the dependencies (from its cache when it can: --prefer-offline), so what each
// audience downloads is what the package.json declares, not what this checkout links.
let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'codex-rx-install-'));
  tarball = packTarball(work);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh empty project with `specs` installed by npm. */
function project(name: string, specs: readonly string[]): string {
  const dir = path.join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
  return dir;
}

/** Bytes of every file under `dir` (symlinks not followed). */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Every package folder in `node_modules` (scoped ones as `@scope/name`). */
function installed(dir: string): string[] {
  const nm = path.join(dir, 'node_modules');
  return readdirSync(nm)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? readdirSync(path.join(nm, n)).map((m) => `${n}/${m}`) : [n]))
    .sort();
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const node = (dir: string, program: string) => execFileSync(process.execPath, ['--input-type=module', '-e', program], { cwd: dir, encoding: 'utf8', timeout: 120_000 }).trim();

test('a page installs `codex-rx rxjs`: no native binary and no Node-only package; new Codex() under Node then names the install command', () => {
  const dir = project('page', [tarball, 'rxjs']);
  const packages = installed(dir);
  process.stdout.write(`npm install codex-rx rxjs (a page): node_modules ${mib(sizeOf(path.join(dir, 'node_modules')))}, ${packages.length} packages: ${packages.join(' ')}\n`);
  expect(packages).toContain('codex-rx');
  expect(packages).toContain('ajv');
  expect(packages.filter((p) => /^(@openai\/|ws$|jose$|cross-spawn$)/.test(p))).toEqual([]);
  expect(existsSync(path.join(dir, 'node_modules', '@openai'))).toBe(false);
  // Run under Node anyway, the Node entry loads (no ws, no jose installed) and says what to install.
  const out = node(
    dir,
    `import { Codex, BinaryNotFoundError } from 'codex-rx';
     import { lastValueFrom } from 'rxjs';
     const codex = new Codex();
     try { await lastValueFrom(codex.connect()); console.log('connected?'); }
     catch (e) { console.log(JSON.stringify({ binaryNotFound: BinaryNotFoundError.is(e), message: e.message })); }
     await codex.close();`,
  );
  const result = JSON.parse(out) as { binaryNotFound: boolean; message: string };
  expect(result.binaryNotFound).toBe(true);
  expect(result.message).toContain('npm install codex-rx rxjs @openai/codex');
}, 600_000);

test('a Node.js app installs `codex-rx rxjs @openai/codex`: the binary is found and a turn runs against the scripted model', () => {
  const pin: string = require('../../package.json').devDependencies['@openai/codex'];
  const dir = project('node-app', [tarball, 'rxjs', `@openai/codex@${pin}`]);
  const packages = installed(dir);
  process.stdout.write(`npm install codex-rx rxjs @openai/codex (a Node.js app): node_modules ${mib(sizeOf(path.join(dir, 'node_modules')))}, ${packages.length} packages\n`);
  expect(packages.filter((p) => /^(ws|jose|cross-spawn)$/.test(p))).toEqual([]);
  const out = node(
    dir,
    `import { Codex } from 'codex-rx';
     import { ScriptedModelServer, createCodexHome, message } from 'codex-rx/testing/node';
     import { lastValueFrom } from 'rxjs';
     const model = await ScriptedModelServer.start({ steps: [message('hello from the scripted model')] });
     const home = await createCodexHome({ modelServerUrl: model.url });
     const codex = new Codex({ env: home.env, cwd: home.workspace });
     try {
       const thread = await lastValueFrom(codex.threadStart());
       const result = await lastValueFrom(thread.run('hi'));
       console.log(JSON.stringify({ status: result.status, text: result.finalResponse, version: codex.metadata.userAgent.includes('/${pin} ') }));
     } finally {
       await codex.close(); await model.close(); await home.dispose();
     }`,
  );
  expect(JSON.parse(out)).toEqual({ status: 'completed', text: 'hello from the scripted model', version: true });
}, 600_000);
