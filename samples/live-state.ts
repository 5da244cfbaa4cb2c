/**
 * live-state — state that changes over time, as Observables: each emits the current value
 * (from a read), then the value after every change notification.
 *
 *   npx tsx samples/live-state.ts          the real codex app-server with a scripted model
 *   npx tsx samples/live-state.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * `thread.status$` (thread/read + thread/status/changed), `thread.name$` (+ thread/name/updated),
 * `thread.tokenUsage$` (null, then thread/tokenUsage/updated), `codex.rateLimits$`
 * (account/rateLimits/read + updates), `codex.mcpServerStatus$`, `codex.remoteControlStatus$`.
 * They never complete by themselves: unsubscribe (here `takeUntil`) when done. Nothing needs
 * cleaning up on the server.
 */
import { catchError, lastValueFrom, map, merge, of, Subject, take, takeUntil, type Observable } from 'rxjs';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: [message('Hi! Nice to meet you.', { usage: { inputTokens: 1200, outputTokens: 14 } })] });
  const { codex, dispose } = session;
  try {
    console.log(`live-state · ${session.description}`);
    const thread = await lastValueFrom(codex.threadStart());

    const stop = new Subject<void>();
    const lines: string[] = [];
    const watched = merge(
      thread.status$.pipe(map((s) => `status$     ${s.type}`)),
      thread.name$.pipe(map((n) => `name$       ${JSON.stringify(n)}`)),
      thread.tokenUsage$.pipe(map((u) => `tokenUsage$ ${u ? `${u.total.totalTokens} tokens in total` : 'null (nothing used yet)'}`)),
    ).pipe(takeUntil(stop));
    const done = lastValueFrom(watched.pipe(map((line) => lines.push(line))), { defaultValue: 0 });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
    const flush = (title: string) => {
      console.log(title);
      for (const line of lines.splice(0)) console.log(`  ${line}`);
    };

    await settle();
    flush('── subscribed: the current values ──');
    await lastValueFrom(thread.setName('Live state demo'));
    await settle();
    flush('── after thread.setName("Live state demo") ──');
    await lastValueFrom(thread.run('Say hi.'));
    await settle();
    flush('── after a turn ──');
    stop.next();
    await done;

    console.log('── client-wide ──');
    const once = <T>(source: Observable<T>, show: (v: T) => string) =>
      lastValueFrom(source.pipe(take(1), map(show), catchError((e: Error) => of(`error: ${e.message}`))));
    console.log(`  remoteControlStatus$ ${await once(codex.remoteControlStatus$, (s) => s.status)}`);
    console.log(`  mcpServerStatus$     ${await once(codex.mcpServerStatus$, (s) => `${s.servers.length} server(s)`)}`);
    console.log(`  rateLimits$          ${await once(codex.rateLimits$, (r) => `primary window ${r.rateLimits.primary?.usedPercent ?? '?'}% used`)}`);
    if (!live) console.log('  (the scripted session has no account: the rate-limit read fails, so rateLimits$ errors)');
  } finally {
    await dispose();
  }
});
