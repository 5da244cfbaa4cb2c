import { builtinModules } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Records every import of a Node built-in instead of letting esbuild fail on the first one. */
function builtinSpy(dir: string, found: string[]): Plugin {
  return {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!BUILTINS.has(args.path)) return undefined;
        found.push(`${args.path} (imported by ${path.relative(dir, args.importer)})`);
        return { path: args.path, external: true };
      });
    },
  };
}

export interface BrowserBundle {
  readonly code: string;
  /** Node built-ins something in the bundle imported (empty for a browser-safe entry). */
  readonly builtins: string[];
  /** Every file esbuild read. */
  readonly inputs: string[];
  /** Size of `code` gzipped, in bytes. */
  readonly gzip: number;
}

/**
 * Bundles `source` for a browser as Angular's builder or Vite would (esbuild, platform
 * "browser": the `node` export condition is not taken), inside `dir` (a project made by
 * installPackedPackage). An iife bundle exposes its exports as the global `globalName`.
 */
export async function bundleForBrowser(dir: string, source: string, format: 'esm' | 'iife', globalName = 'bundle'): Promise<BrowserBundle> {
  const entry = path.join(dir, `entry-${format}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, source);
  const builtins: string[] = [];
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: dir,
    bundle: true,
    platform: 'browser',
    format,
    globalName: format === 'iife' ? globalName : undefined,
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [builtinSpy(dir, builtins)],
  });
  const code = result.outputFiles[0].text;
  return { code, builtins, inputs: Object.keys((result.metafile as Metafile).inputs), gzip: gzipSync(code).length };
}

/** One output file of a split bundle. */
export interface BundleChunk {
  /** Its file name (relative to the output folder). */
  readonly file: string;
  readonly bytes: number;
  readonly gzip: number;
  /** The package files it holds, as paths relative to the project (`node_modules/codex-rx/dist/esm/…`). */
  readonly inputs: readonly string[];
  /** Bytes each input contributes to this chunk (minified). */
  readonly inputBytes: Readonly<Record<string, number>>;
  /** True when the page loads it with the entry (the entry, and what it imports statically, transitively). */
  readonly firstLoad: boolean;
}

export interface SplitBundle {
  readonly chunks: readonly BundleChunk[];
  readonly builtins: string[];
  /** Where the chunks were written (`entry.js` is the entry). */
  readonly outdir: string;
}

/**
 * Bundles `source` for a browser with code splitting (ESM chunks, as Angular's builder and Vite
 * emit): every `import()` becomes a chunk loaded on first use. Writes the chunks to
 * `dir/<outdir>` and tells which of them a page loads with the entry.
 */
export async function bundleSplitForBrowser(dir: string, source: string, outdir: string): Promise<SplitBundle> {
  const entry = path.join(dir, 'entry.mjs');
  writeFileSync(entry, source);
  const builtins: string[] = [];
  const out = path.join(dir, outdir);
  const result = await build({
    entryPoints: { entry },
    absWorkingDir: dir,
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    outdir: out,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [builtinSpy(dir, builtins)],
  });
  const outputs = (result.metafile as Metafile).outputs;
  const name = (key: string) => path.relative(out, path.resolve(dir, key));
  const first = new Set<string>();
  const visit = (key: string) => {
    if (first.has(key)) return;
    first.add(key);
    for (const i of outputs[key].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(Object.keys(outputs).find((k) => name(k) === 'entry.js')!);
  mkdirSync(out, { recursive: true });
  for (const f of result.outputFiles) writeFileSync(f.path, f.contents);
  const chunks = result.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => {
    const key = Object.keys(outputs).find((k) => path.resolve(dir, k) === f.path)!;
    const inputs = outputs[key].inputs;
    const inputBytes = Object.fromEntries(Object.entries(inputs).map(([i, v]) => [i, v.bytesInOutput]));
    return { file: name(key), bytes: f.contents.length, gzip: gzipSync(f.contents).length, inputs: Object.keys(inputs), inputBytes, firstLoad: first.has(key) };
  });
  return { chunks, builtins, outdir: out };
}
