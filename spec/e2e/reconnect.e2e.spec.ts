// `reconnect: true` with live subscribers, against the REAL app-server over ws: the server is
// stopped and started again on the same port; the client reconnects on its own (no call made),
// `state$` shows it, and the thread's live status continues on the new server.
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { Codex, type CodexState } from '../../lib/node/index';
import { startAppServer } from '../../lib/node/index';
import { message } from '../../lib/testing/node/index';
import { ObservableStream } from '../support/observable-stream';
import { startModelHome } from '../support/e2e';

jest.setTimeout(90_000);

describe('reconnect: true with live subscribers across a server restart', () => {
  it('state$: open → reconnecting → open with no call; thread.status$ continues; the thread runs on', async () => {
    const env = await startModelHome({ steps: [message('first answer'), message('second answer')] });
    let server = await startAppServer({ env: env.home.env, cwd: env.home.workspace });
    const port = Number(new URL(server.url).port);
    const token = server.token;
    const codex = new Codex({ url: server.url, token: () => token, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } });
    const states: CodexState[] = [];
    codex.state$.subscribe((s) => states.push(s));
    try {
      const thread = await firstValueFrom(codex.threadStart());
      expect(await lastValueFrom(thread.run('hello'))).toMatchObject({ finalResponse: 'first answer' });
      const status = new ObservableStream(thread.status$);
      expect(await status.takeNext(20_000)).toMatchObject({ type: 'idle' });
      expect(states.at(-1)).toBe('open');

      await server.close();
      await firstValueFrom(codex.state$.pipe(filter((s) => s === 'reconnecting')));
      server = await startAppServer({ env: env.home.env, cwd: env.home.workspace, port, token });
      await firstValueFrom(codex.state$.pipe(filter((s) => s === 'open')));
      // The live status was read again on the new server (the thread resumed there by itself).
      expect(await status.takeNext(20_000)).toMatchObject({ type: 'idle' });
      expect(states).not.toContain('closed');
      expect(states.slice(0, 3)).toEqual(['idle', 'connecting', 'open']);
      expect(states.slice(3).every((s) => s === 'reconnecting' || s === 'open')).toBe(true);
      expect(states.at(-1)).toBe('open');

      expect(await lastValueFrom(thread.run('again'))).toMatchObject({ finalResponse: 'second answer' });
      status.unsubscribe();
    } finally {
      await codex.close();
      await server.close();
      await env.dispose();
    }
    expect(states.at(-1)).toBe('closed');
  });
});
