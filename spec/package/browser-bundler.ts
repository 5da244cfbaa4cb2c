import { builtinModules } from 'node:module';
import { writeFileSync } from 'node:fs';
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
