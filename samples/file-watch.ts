/**
 * file-watch — watch a directory on the app-server's host with `codex.watch()`.
 *
 *   npx tsx samples/file-watch.ts          the real codex app-server (the model is not used)
 *   npx tsx samples/file-watch.ts --live   the same against your Codex setup (in a temp directory)
 *
 * `codex.watch(path)` (`fs/watch`) emits each `fs/changed` event (the absolute paths that
 * changed) and never completes by itself; unsubscribing sends `fs/unwatch`. Here `takeWhile`
 * unsubscribes once the files this program writes were all seen.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { lastValueFrom, scan, takeWhile, tap } from 'rxjs';
import { openSession, runSample } from './support/session.js';
import { WireTap } from './support/wire-tap.js';

const FILES = ['notes.md', 'todo.txt', 'data.json'];

runSample(async ({ live }) => {
  let wire: WireTap | undefined;
  const session = await openSession({ live, tempWorkspace: true, wrapTransport: (stdio) => (wire = new WireTap(stdio)) });
  const { codex, dispose } = session;
  try {
    console.log(`file-watch · ${session.description}`);
    const dir = path.join(session.cwd, 'watched');
    await fs.mkdir(dir, { recursive: true });
    console.log(`watching ${path.basename(session.cwd)}/watched, then writing ${FILES.join(', ')}`);

    // Write the files once the watch is in place, a little apart, until each was seen.
    const seen = new Set<string>();
    const writer = setInterval(() => {
      const next = FILES.find((f) => !seen.has(f));
      if (next) void fs.writeFile(path.join(dir, next), `written at ${new Date().toISOString()}\n`);
    }, 200);

    await lastValueFrom(
      codex.watch(dir).pipe(
        tap((change) => {
          for (const p of change.changedPaths) {
            const name = path.basename(p);
            if (FILES.includes(name) && !seen.has(name)) console.log(`  fs/changed ${name}`);
            seen.add(name);
          }
        }),
        scan(() => FILES.every((f) => seen.has(f)), false),
        takeWhile((all) => !all, true), // unsubscribes once every file was seen → fs/unwatch
      ),
    );
    clearInterval(writer);
    console.log(`all ${FILES.length} files seen; unsubscribed → sent fs/unwatch ${JSON.stringify(wire!.paramsOf('fs/unwatch')[0])}`);
  } finally {
    await dispose();
  }
});
