/**
 * file-search — fuzzy file search as a typeahead: `codex.fileSearch(roots)` is an operator over
 * an Observable of queries (what a user types).
 *
 *   npx tsx samples/file-search.ts          the real codex app-server (the model is not used)
 *   npx tsx samples/file-search.ts --live   the same against your Codex setup (in a temp directory)
 *
 * Subscribing opens a `fuzzyFileSearch` session over the roots; each query updates it; results
 * of an older query never show up after a newer one was typed; when the queries complete, the
 * stream completes once the last query's search is done, and the session is stopped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { concatMap, delay, from, lastValueFrom, of, tap } from 'rxjs';
import { openSession, runSample } from './support/session.js';

const FILES = ['src/app/app.component.ts', 'src/app/app.service.ts', 'src/main.ts', 'src/app/user-list.component.ts', 'README.md'];

runSample(async ({ live }) => {
  const session = await openSession({ live, tempWorkspace: true });
  const { codex, dispose } = session;
  try {
    console.log(`file-search · ${session.description}`);
    const root = path.join(session.cwd, 'project');
    for (const f of FILES) {
      await fs.mkdir(path.dirname(path.join(root, f)), { recursive: true });
      await fs.writeFile(path.join(root, f), '// sample\n');
    }
    console.log(`a project of ${FILES.length} files; typing "u", "us", "use", "user", then "main"`);
    await lastValueFrom(codex.connect()); // else the keystrokes typed while the app-server starts collapse into the latest

    // What a user types, a keystroke every 150 ms (in an app: fromEvent(input, 'input') + debounceTime).
    const typed$ = from(['u', 'us', 'use', 'user', 'main']).pipe(concatMap((q) => of(q).pipe(delay(150))));
    const last = await lastValueFrom(
      typed$.pipe(
        codex.fileSearch([root]),
        tap((s) => console.log(`  ${JSON.stringify(s.query).padEnd(7)} ${s.done ? 'done    ' : 'partial '} ${s.files.map((f) => f.path).join(', ') || '(none)'}`)),
      ),
    );
    console.log(`final: ${JSON.stringify(last.query)} → ${last.files.map((f) => f.path).join(', ')}`);
  } finally {
    await dispose();
  }
});
