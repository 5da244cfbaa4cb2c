// What the docs specs share: where each codex-rx entry point's sources are, and a type-check of
// doc blocks as one small project against those sources (spec/docs/*.spec.ts).
import path from 'node:path';
import ts from 'typescript';

export const root = path.resolve(__dirname, '..', '..');

/** Each entry point, as users import it, → its source file (absolute). */
export const SOURCE_ENTRIES: Readonly<Record<string, string>> = {
  'codex-rx': path.join(root, 'lib', 'index.ts'),
  'codex-rx/node': path.join(root, 'lib', 'node', 'index.ts'),
  'codex-rx/testing': path.join(root, 'lib', 'testing', 'index.ts'),
  'codex-rx/testing/node': path.join(root, 'lib', 'testing', 'node', 'index.ts'),
  'codex-rx/gateway': path.join(root, 'lib', 'gateway', 'index.ts'),
  'codex-rx/angular': path.join(root, 'lib', 'angular', 'index.ts'),
};

/**
 * Type-checks `files` (absolute path in the virtual folder `dir` → code) as one strict project
 * whose codex-rx imports resolve to the sources; returns the problems found in those files.
 */
export function typeCheckDocs(dir: string, files: ReadonlyMap<string, string>): string[] {
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
    paths: Object.fromEntries(Object.entries(SOURCE_ENTRIES).map(([k, v]) => [k, [path.relative(root, v)]])),
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const dirExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => d === dir || (dirExists ? dirExists(d) : true); // the blocks' virtual folder
  host.readFile = (f) => files.get(f) ?? read(f);
  host.fileExists = (f) => files.has(f) || exists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
