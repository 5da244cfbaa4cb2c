import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { ProtocolWarning } from '../../lib/rpc/connection.js';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated.js';
import { failure, sentRequests, setup, THREAD_ID, TURN_ID } from './support.js';

describe('Codex validates params against the schema before sending', () => {
  it('invalid params fail with ValidationError and nothing is sent', async () => {
    const { transport, codex } = await setup();
    transport.clearSent();

    const e = await failure(lastValueFrom(codex.models({ limit: -1 })));
    expect(e.subject).toBe('model/list params');
    expect(e.issues).toEqual([{ path: 'limit', message: 'must be >= 0' }]);
    expect(e.message).toBe('model/list params: limit must be >= 0');

    const e2 = await failure(lastValueFrom(codex.request('turn/start', { threadId: 7 as never, input: [{ type: 'txt', text: 'x' } as never] })));
    expect(e2.issues).toEqual([
      { path: 'threadId', message: 'must be a string' },
      { path: 'input[0].type', message: 'must be one of text, image, localImage, audio, localAudio, skill, mention' },
    ]);

    const e3 = await failure(lastValueFrom(codex.request('account/login/start', { type: 'password' } as never)));
    expect(e3.issues[0]).toMatchObject({ path: 'type', message: expect.stringMatching(/^must be one of apiKey, chatgpt, /) });

    const e4 = await failure(lastValueFrom(codex.request('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'merge' } as never)));
    expect(e4.issues).toEqual([{ path: 'mergeStrategy', message: 'must be one of replace, upsert' }]);

    const e5 = await failure(lastValueFrom(codex.request('account/logout', { now: true } as never)));
    expect(e5.issues).toEqual([{ path: '', message: 'must be omitted: account/logout takes no params' }]);

    const e6 = await failure(lastValueFrom(codex.request('thread/teleport' as never, {} as never)));
    expect(e6.issues[0]!.message).toMatch(/is not part of the app-server protocol/);

    expect(transport.sent).toEqual([]);
    expect(codex.stats.pendingRequests).toBe(0);
    await codex.close();
  });

  it('a turn with a bad option fails before turn/start is sent, and the thread stays usable', async () => {
    const { transport, codex, thread } = await setup({}, [{ text: 'done', phase: 'final_answer' }]);
    transport.clearSent();

    const e = await failure(lastValueFrom(thread.turn('hi', { personality: 'grumpy' as never }).pipe(toArray())));
    expect(e.issues).toEqual([{ path: 'personality', message: 'must be one of none, friendly, pragmatic' }]);
    const e2 = await failure(lastValueFrom(thread.run('hi', { effort: '' as never })));
    expect(e2.issues).toEqual([{ path: 'effort', message: 'must not be empty' }]);
    expect(sentRequests(transport, 'turn/start')).toEqual([]);
    expect(sentRequests(transport, 'turn/interrupt')).toEqual([]);
    expect(thread.activeTurn).toBeUndefined();

    const result = await lastValueFrom(thread.run('hi'));
    expect(result.finalResponse).toBe('done');
    expect(sentRequests(transport, 'turn/start')).toHaveLength(1);
    await codex.close();
  });

  it('each subscription validates anew (cold): a valid retry is sent', async () => {
    const { transport, codex } = await setup();
    transport.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    transport.clearSent();
    await failure(lastValueFrom(codex.models({ limit: 2 ** 32 })));
    await expect(lastValueFrom(codex.models({ limit: 5 }))).resolves.toEqual({ data: [], nextCursor: null });
    expect(sentRequests(transport, 'model/list').map((m) => m.params)).toEqual([{ limit: 5 }]);
    await codex.close();
  });

  it('validate: false sends them as they are', async () => {
    const { transport, codex } = await setup({ validate: false });
    transport.onRequest('model/list', () => {
      throw { code: -32602, message: 'invalid params: limit' };
    });
    transport.clearSent();
    await expect(lastValueFrom(codex.models({ limit: -1 }))).rejects.toMatchObject({ code: -32602 });
    expect(sentRequests(transport, 'model/list').map((m) => m.params)).toEqual([{ limit: -1 }]);

    transport.onRequest('config/value/write', () => ({ status: 'ok', version: '1', filePath: '/c', overriddenMetadata: null }));
    await lastValueFrom(codex.request('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'merge' } as never));
    expect(sentRequests(transport, 'config/value/write')).toHaveLength(1);
    await codex.close();
  });
});

describe('Codex validateInbound', () => {
  const delta = { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'msg-0', delta: 'Hel' };

  it('reports drift on warnings$ and still delivers the message', async () => {
    const { transport, codex } = await setup({ validateInbound: true });
    const warnings: ProtocolWarning[] = [];
    codex.warnings$.subscribe((w) => warnings.push(w));
    const seen = firstValueFrom(codex.notifications$);

    transport.notify('item/agentMessage/delta', { ...delta, delta: 42 });
    expect((await seen).params).toMatchObject({ delta: 42 });
    transport.notify('item/agentMessage/delta', delta);
    transport.notify('thread/teleported', { threadId: THREAD_ID });

    expect(warnings.map((w) => [w.kind, w.message])).toEqual([
      ['schema-drift', 'notification item/agentMessage/delta does not match the protocol schema: delta must be a string'],
      ['schema-drift', `notification thread/teleported does not match the protocol schema: "thread/teleported" is not a notification of the app-server protocol (codex ${PROTOCOL_VERSION})`],
    ]);
    expect(warnings[0]!.detail).toMatchObject({ method: 'item/agentMessage/delta', issues: [{ path: 'delta', message: 'must be a string' }] });
    await codex.close();
  });

  it('checks server requests too, and answers them as usual', async () => {
    const { transport, codex } = await setup({ validateInbound: true });
    const warnings: ProtocolWarning[] = [];
    codex.warnings$.subscribe((w) => warnings.push(w));
    transport.emit({ id: 'srv-1', method: 'item/commandExecution/requestApproval', params: { threadId: THREAD_ID, turnId: 3 } });
    await new Promise((r) => setTimeout(r, 0));
    expect(warnings.filter((w) => w.kind === 'schema-drift').map((w) => w.message)).toEqual([
      expect.stringMatching(/^request item\/commandExecution\/requestApproval does not match the protocol schema: .*turnId must be a string/),
    ]);
    expect(transport.sent.some((m) => m.id === 'srv-1')).toBe(true);
    await codex.close();
  });

  it('is off by default', async () => {
    const { transport, codex } = await setup();
    const warnings: ProtocolWarning[] = [];
    codex.warnings$.subscribe((w) => warnings.push(w));
    transport.notify('item/agentMessage/delta', { ...delta, delta: 42 });
    expect(warnings).toEqual([]);
    await codex.close();
  });
});
