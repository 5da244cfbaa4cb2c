/**
 * command-exec — run a command on the app-server's host with `codex.exec()`: output streams in
 * as it is written, stdin is an Observable, and unsubscribing terminates the command.
 *
 *   npx tsx samples/command-exec.ts          the real codex app-server (the model is not used)
 *   npx tsx samples/command-exec.ts --live   the same against your Codex setup
 *
 * 1. `codex.exec(argv)` (`command/exec`) emits `output` chunks (stdout/stderr, bytes and text)
 *    while the command runs, then one `exit`, then completes.
 * 2. `{ stdin: of(...) }` writes to the command (`command/exec/write`); stdin closes when that
 *    Observable completes.
 * 3. Unsubscribing before the exit sends `command/exec/terminate`: nothing is left running.
 */
import { lastValueFrom, of, takeWhile, tap, toArray } from 'rxjs';
import type { CommandEvent } from '../lib/index.js';
import { openSession, runSample } from './support/session.js';
import { WireTap } from './support/wire-tap.js';

const show = (event: CommandEvent, started: number) =>
  event.type === 'output'
    ? `  +${String(Date.now() - started).padStart(4)} ms  ${event.stream} ${JSON.stringify(event.text)}`
    : `  exit ${event.exitCode}`;

runSample(async ({ live }) => {
  let wire: WireTap | undefined;
  const session = await openSession({ live, wrapTransport: (stdio) => (wire = new WireTap(stdio)) });
  const { codex, dispose } = session;
  try {
    console.log(`command-exec · ${session.description}`);

    console.log('── 1. output as it arrives ──');
    const started = Date.now();
    await lastValueFrom(
      codex.exec(['sh', '-c', 'for i in 1 2 3; do echo "line $i"; sleep 0.2; done; echo "warning: done" >&2; exit 2']).pipe(tap((e) => console.log(show(e, started)))),
    );

    console.log('── 2. stdin from an Observable ──');
    const events = await lastValueFrom(codex.exec(['tr', 'a-z', 'A-Z'], { stdin: of('hello ', 'from stdin\n') }).pipe(toArray()));
    const text = events.map((e) => (e.type === 'output' ? e.text : '')).join('');
    console.log(`  tr a-z A-Z printed ${JSON.stringify(text)}`);

    console.log('── 3. unsubscribe = terminate ──');
    const t0 = Date.now();
    await lastValueFrom(
      codex.exec(['sh', '-c', 'echo "sleeping for 30 s"; sleep 30']).pipe(
        tap((e) => console.log(show(e, t0))),
        takeWhile((e) => !(e.type === 'output' && e.text.includes('sleeping')), true), // unsubscribes after this chunk
      ),
    );
    const terminate = wire!.sent.find((m) => m.method === 'command/exec/terminate');
    console.log(`  stopped listening after ${Date.now() - t0} ms → sent command/exec/terminate ${JSON.stringify(terminate?.params)}`);
  } finally {
    await dispose(); // ends the app-server: nothing is left running
  }
});
