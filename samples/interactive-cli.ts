/**
 * interactive-cli — a small chat REPL: read prompts from stdin, stream each answer as it arrives.
 *
 *   npx tsx samples/interactive-cli.ts          the real codex app-server with a scripted model
 *                                               (it echoes what you type)
 *   npx tsx samples/interactive-cli.ts --live   chat with the real model
 *   printf 'hi\nbye\n' | npx tsx samples/interactive-cli.ts    works from a pipe too
 *
 * Each line is one turn in the same thread, so the conversation carries on. Lines typed while an
 * answer streams wait their turn (`concatMap`). Ctrl-C interrupts the running answer
 * (`thread.interrupt()`); Ctrl-D (end of input) or /exit quits; /new starts a new thread.
 */
import readline from 'node:readline';
import { concatMap, defer, EMPTY, finalize, lastValueFrom, map, Observable, takeWhile, tap } from 'rxjs';
import { ofMethod, type Thread } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

runSample(async ({ live }) => {
  const { codex, description, model, dispose } = await openSession({ live });
  let rl: readline.Interface | undefined;
  try {
    console.log(`interactive-cli · ${description}`);
    let thread: Thread = await lastValueFrom(codex.threadStart());
    console.log('type a prompt and press Enter · /new starts a new thread · Ctrl-C interrupts an answer · Ctrl-D or /exit quits');

    // Reading starts now (readline reads stdin from here on, even before anyone listens).
    const tty = process.stdin.isTTY === true;
    const input = (rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: tty, prompt: '› ' }));
    const prompt = () => (tty ? input.prompt() : undefined); // from a pipe: no prompt characters
    let turns = 0;
    let answering = false;
    input.on('SIGINT', () => {
      if (answering) thread.interrupt().subscribe({ error: () => undefined }); // the answer ends "interrupted"
      else input.close();
    });

    // One turn: stream the answer's text deltas to stdout.
    const ask = (text: string) =>
      defer(() => {
        answering = true;
        // Scripted mode only: tell the scripted model what to answer (dropping any unused answer).
        model?.reset();
        model?.enqueue(message(`(scripted) You said "${text}". With --live, the real model answers.`, { chunks: 8, delayMsBetweenEvents: 80 }));
        process.stdout.write('  ');
        return thread.turn(text).pipe(
          tap((event) => {
            if (event.method !== 'turn/completed') return;
            turns++;
            const status = event.params.turn.status;
            process.stdout.write(status === 'completed' ? '\n' : ` [${status}]\n`);
          }),
          ofMethod('item/agentMessage/delta'),
          tap((delta) => process.stdout.write(delta.params.delta)),
          finalize(() => (answering = false)),
        );
      });

    // stdin lines as an Observable that completes at the end of input. (Subscribed below, in
    // this same tick: readline emits nothing before the next one, so no line is missed.)
    const lines$ = new Observable<string>((subscriber) => {
      input.on('line', (line) => subscriber.next(line.trim()));
      input.on('close', () => subscriber.complete());
    });

    prompt();
    await lastValueFrom(
      lines$.pipe(
        takeWhile((line) => line !== '/exit'),
        // One line at a time: the next waits until this one's answer is complete.
        concatMap((line) => {
          if (!tty && line !== '') console.log(`› ${line}`); // from a pipe: show what was asked
          const work: Observable<unknown> =
            line === ''
              ? EMPTY
              : line === '/new'
                ? codex.threadStart().pipe(map((t) => console.log(`  (new thread ${(thread = t).id})`)))
                : ask(line);
          return work.pipe(finalize(prompt));
        }),
      ),
      { defaultValue: undefined },
    );
    console.log(`bye: ${turns} turn(s)`);
  } finally {
    rl?.close();
    await dispose();
  }
});
