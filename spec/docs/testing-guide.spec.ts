// docs/testing.md is run, not only type-checked: its `// file: x.ts` blocks form a small project.
// `*.spec.ts` blocks become jest tests of this file (their imports of codex-rx resolve to the
// sources); `*.test.ts` blocks run under vitest in a child process; the rest are modules they import.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { root, SOURCE_ENTRIES, typeCheckDocs } from './docs-project';

interface Block {
  readonly file: string;
  readonly code: string;
}

const blocks: Block[] = [...readFileSync(path.join(root, 'docs', 'testing.md'), 'utf8').matchAll(/```ts\n\/\/ file: (\S+)\n([\s\S]*?)```/g)].map((m) => ({ file: m[1], code: m[2] }));
const byModule = new Map(blocks.map((b) => [`./${b.file.replace(/\.ts$/, '')}`, b]));
const jestBlocks = blocks.filter((b) => b.file.endsWith('.spec.ts'));
const vitestBlocks = blocks.filter((b) => b.file.endsWith('.test.ts'));

test('the guide has a service, jest examples and a vitest example, each block named', () => {
  expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['agent.service.ts', 'agent.service.spec.ts', 'agent.service.async.spec.ts', 'agent.service.test.ts']));
  const unnamed = [...readFileSync(path.join(root, 'docs', 'testing.md'), 'utf8').matchAll(/```ts\n(?!\/\/ file: )/g)];
  expect(unnamed).toHaveLength(0);
});

test('every block type-checks as one project against the sources', () => {
  const dir = path.join(root, 'spec', 'docs', '.testing-guide');
  const files = new Map(blocks.map((b) => [path.join(dir, b.file), b.code]));
  const problems = typeCheckDocs(dir, files);
  expect(problems).toEqual([]);
}, 120_000);

/** Evaluates a block as a CommonJS module; codex-rx imports resolve to the sources, `./x` to block x. */
const loaded = new Map<string, unknown>();
function load(block: Block): unknown {
  if (loaded.has(block.file)) return loaded.get(block.file);
  const { outputText } = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const module = { exports: {} as Record<string, unknown> };
  loaded.set(block.file, module.exports);
  const requireFor = (id: string): unknown => {
    if (SOURCE_ENTRIES[id]) return require(SOURCE_ENTRIES[id]);
    const local = byModule.get(id);
    if (local) return load(local);
    return require(id);
  };
  new Function('require', 'module', 'exports', outputText)(requireFor, module, module.exports);
  return module.exports;
}

for (const block of jestBlocks) {
  describe(`docs/testing.md ${block.file}`, () => {
    load(block);
  });
}

describe('docs/testing.md under vitest', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-vitest-'));
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    for (const b of blocks.filter((x) => !x.file.endsWith('.spec.ts'))) writeFileSync(path.join(dir, b.file), b.code);
    const alias = Object.entries(SOURCE_ENTRIES).map(([find, replacement]) => `{ find: /^${find.replace(/\//g, '\\/')}$/, replacement: ${JSON.stringify(replacement)} }`);
    writeFileSync(path.join(dir, 'vitest.config.mjs'), `export default { resolve: { alias: [${alias.join(', ')}] }, test: { include: ['*.test.ts'], watch: false } };\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every *.test.ts block with vitest and all of its tests pass', () => {
    expect(vitestBlocks.length).toBeGreaterThan(0);
    const report = path.join(dir, 'report.json');
    const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
    let output = '';
    try {
      output = execFileSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter=json', `--outputFile=${report}`], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      output = `${err.stdout ?? ''}\n${err.stderr ?? ''}`;
    }
    if (!existsSync(report)) throw new Error(`vitest wrote no report:\n${output.slice(-3000)}`);
    const result = JSON.parse(readFileSync(report, 'utf8')) as { numTotalTests: number; numPassedTests: number; numFailedTests: number; testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }> };
    const ran = result.testResults.flatMap((r) => r.assertionResults.map((a) => `${a.status}: ${a.fullName}`));
    expect({ ran, failed: result.numFailedTests, output: result.numFailedTests > 0 ? output.slice(-3000) : '' }).toEqual({
      ran: ['passed: AgentService (vitest) streams an answer chunk by chunk'],
      failed: 0,
      output: '',
    });
  }, 300_000);
});
