import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { root, SOURCE_ENTRIES } from './docs-project';

// docs/api-reference.md covers every public name: each name an entry point exports appears there
// as a word inside a code span (`Name`, `new Name(…)`, `f(options: Name)`), under that entry's heading
// for the entries beyond the main one.

/** The names each entry point exports (values and types), from the sources. */
function exportedNames(): Map<string, string[]> {
  const program = ts.createProgram(Object.values(SOURCE_ENTRIES), { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const out = new Map<string, string[]>();
  for (const [entry, file] of Object.entries(SOURCE_ENTRIES)) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    out.set(entry, checker.getExportsOfModule(symbol).map((s) => s.getName()).sort());
  }
  return out;
}

const reference = readFileSync(path.join(root, 'docs', 'api-reference.md'), 'utf8');

/** The part of the reference under `## \`entry\`` (the whole file for the main entry). */
function sectionOf(entry: string): string {
  if (entry === 'codex-rx') return reference;
  const start = reference.indexOf(`## \`${entry}\``);
  if (start < 0) return '';
  const end = reference.indexOf('\n## ', start + 1);
  return reference.slice(start, end < 0 ? undefined : end);
}

/** True when `name` appears as a whole word inside some code span of `text`. */
const mentions = (text: string, name: string) => {
  const word = new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);
  const prose = text.replace(/```[\s\S]*?```/g, ''); // code blocks are examples, not the reference
  return (prose.match(/`[^`]+`/g) ?? []).some((span) => word.test(span.slice(1, -1)));
};

const names = exportedNames();
const PARENT: Readonly<Record<string, string>> = { 'codex-rx/node': 'codex-rx', 'codex-rx/testing/node': 'codex-rx/testing' };

test.each([...names.keys()])('api-reference.md names every export of %s', (entry) => {
  const exported = names.get(entry)!;
  expect(exported.length).toBeGreaterThan(0);
  // The Node entry re-exports the main one, and testing/node the testing one's step builders:
  // only their own names need their section. A name the main entry exports too may be described
  // anywhere.
  const parent = PARENT[entry];
  const own = parent ? exported.filter((n) => !names.get(parent)!.includes(n)) : exported;
  const section = sectionOf(entry);
  const main = names.get('codex-rx')!;
  expect(own.filter((n) => !mentions(section, n) && !(main.includes(n) && mentions(reference, n)))).toEqual([]);
});

test('the check can fail: a name the reference does not mention is reported', () => {
  expect(mentions('`Codex` and `toTurnResult()`', 'Codex')).toBe(true);
  expect(mentions('`toTurnResult()`', 'toTurnResult')).toBe(true);
  expect(mentions('`Codexy`', 'Codex')).toBe(false);
  expect(mentions('`run(options?: RetryOnOverloadOptions)`', 'RetryOnOverloadOptions')).toBe(true);
  expect(mentions('Codex without backticks', 'Codex')).toBe(false);
});
