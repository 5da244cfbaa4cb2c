import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Every ```ts block of the README is type-checked against the sources, so the docs cannot rot.
const root = path.resolve(__dirname, '..', '..');

function snippets(file: string): Array<{ name: string; code: string }> {
  const text = readFileSync(path.join(root, file), 'utf8');
  // A block starting with `// file: name.ts` keeps that name, so blocks can import each other.
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ name: /^\/\/ file: (\S+)\n/.exec(m[1])?.[1] ?? `${file.replace(/\W/g, '_')}_${i + 1}.ts`, code: `${m[1]}\nexport {};\n` }));
}

function typeCheck(files: Array<{ name: string; code: string }>): string[] {
  const dir = path.join(root, 'spec', 'docs', '.snippets');
  const byPath = new Map(files.map((f) => [path.join(dir, f.name), f.code]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    baseUrl: root,
    paths: {
      'codex-rx': ['lib/index.ts'],
      'codex-rx/node': ['lib/node/index.ts'],
      'codex-rx/testing': ['lib/testing/index.ts'],
      'codex-rx/testing/node': ['lib/testing/node/index.ts'],
      'codex-rx/gateway': ['lib/gateway/index.ts'],
      'codex-rx/angular': ['lib/angular/index.ts'],
    },
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const dirExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => d === dir || (dirExists ? dirExists(d) : true); // the snippets' virtual folder
  host.readFile = (f) => byPath.get(f) ?? read(f);
  host.fileExists = (f) => byPath.has(f) || exists(f);
  const program = ts.createProgram([...byPath.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && byPath.has(d.file.fileName))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

test('README has TypeScript examples', () => {
  expect(snippets('README.md').length).toBeGreaterThanOrEqual(6);
});

test('every README and docs/ example compiles against the public API', () => {
  const docs = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  expect(docs.length).toBeGreaterThanOrEqual(2);
  expect(typeCheck(['README.md', ...docs].flatMap(snippets))).toEqual([]);
}, 60_000);
