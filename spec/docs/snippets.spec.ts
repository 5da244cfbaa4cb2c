import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root, typeCheckDocs } from './docs-project';

// Every ```ts block of the README is type-checked against the sources, so the docs cannot rot.

function snippets(file: string): Array<{ name: string; code: string }> {
  const text = readFileSync(path.join(root, file), 'utf8');
  // A block starting with `// file: name.ts` keeps that name, so blocks can import each other.
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ name: /^\/\/ file: (\S+)\n/.exec(m[1])?.[1] ?? `${file.replace(/\W/g, '_')}_${i + 1}.ts`, code: `${m[1]}\nexport {};\n` }));
}

function typeCheck(files: Array<{ name: string; code: string }>): string[] {
  const dir = path.join(root, 'spec', 'docs', '.snippets');
  return typeCheckDocs(dir, new Map(files.map((f) => [path.join(dir, f.name), f.code])));
}

test('README has TypeScript examples', () => {
  expect(snippets('README.md').length).toBeGreaterThanOrEqual(6);
});

test('every README and docs/ example compiles against the public API', () => {
  const docs = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  expect(docs.length).toBeGreaterThanOrEqual(2);
  expect(typeCheck(['README.md', ...docs].flatMap(snippets))).toEqual([]);
}, 60_000);

test('README order: install, quick start, concepts …, contributing last', () => {
  const headings = [...readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  expect(headings.slice(0, 3)).toEqual(['Install', 'Quick start', 'Turns are cold Observables']);
  expect(headings[headings.length - 1]).toBe('Contributing');
});
