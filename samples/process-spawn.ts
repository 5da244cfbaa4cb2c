/**
 * process-spawn — start a process on the app-server's host with `codex.spawn()` (no sandbox: the
 * connection is full power over the host), talk to it over stdin, and kill it by unsubscribing.
 *
 *   npx tsx samples/process-spawn.ts          the real codex app-server (the model is not used)
 *   npx tsx samples/process-spawn.ts --live   the same against your Codex setup
 *
 * 1. `codex.spawn(argv, { cwd })` (`process/spawn`) emits `output` chunks, then the `exit`
 *    (`process/exited`), then completes.
 * 2. stdin is an Observable: here a ReplaySubject the program feeds as answers come back
 *    (`process/writeStdin`; completing it closes stdin).
 * 3. Unsubscribing before the exit sends `process/kill`.
 */
import { filter, firstValueFrom, lastValueFrom, ReplaySubject, tap } from 'rxjs';
import { openSession, runSample } from './support/session.js';
import { WireTap } from './support/wire-tap.js';

runSample(async ({ live }) => {
  let wire: WireTap | undefined;
  const session = await openSession({ live, wrapTransport: (stdio) => (wire = new WireTap(stdio)) });
  const { codex, dispose, cwd } = session;
  try {
    console.log(`process-spawn · ${session.description}`);

    console.log('── 1. spawn, output, exit ──');
    const exit = await lastValueFrom(
      codex.spawn(['sh', '-c', 'echo "pwd is $(pwd)"; sleep 0.2; echo "to stderr" >&2'], { cwd }).pipe(
        tap((e) => e.type === 'output' && console.log(`  ${e.stream}: ${e.text.trimEnd()}`)),
      ),
    );
    console.log(`  exit ${exit.type === 'exit' ? exit.exitCode : '?'}`);

    console.log('── 2. a conversation over stdin ──');
    const stdin = new ReplaySubject<string>(); // replays what was asked before the process started
    const adder = codex.spawn(['sh', '-c', 'while read a b; do echo "$a + $b = $((a + b))"; done; echo bye'], { cwd, stdin });
    const questions = ['1 2', '20 22', '100 -1'];
    let asked = 0;
    const ask = () => {
      console.log(`  → ${questions[asked]}`);
      stdin.next(`${questions[asked++]}\n`);
    };
    ask();
    await lastValueFrom(
      adder.pipe(
        tap((e) => {
          if (e.type !== 'output') return console.log(`  exit ${e.exitCode}`);
          console.log(`  ← ${e.text.trimEnd()}`);
          if (asked < questions.length) ask();
          else stdin.complete(); // closes stdin: the loop ends
        }),
      ),
    );

    console.log('── 3. unsubscribe = kill ──');
    await firstValueFrom(codex.spawn(['sh', '-c', 'echo "up, sleeping 30 s"; sleep 30'], { cwd }).pipe(filter((e) => e.type === 'output')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`  firstValueFrom took the first chunk and unsubscribed → sent process/kill ${JSON.stringify(wire!.paramsOf('process/kill')[0] ?? 'nothing?')}`);
  } finally {
    await dispose();
  }
});
