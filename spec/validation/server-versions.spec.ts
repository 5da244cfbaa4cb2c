// What codex-rx does with methods its pinned protocol does not know, by the connected server's
// version: a newer server gets them (unvalidated, one warning per method); any other server never
// sees them. And what a newer server sends that the pin does not know still reaches the user.
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../lib/node/index';
import { MethodNotFoundError, rpcErrorFromWire, ValidationError } from '../../lib/errors';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated';
import type { ProtocolWarning } from '../../lib/rpc/connection';
import { FAKE_INITIALIZE_RESPONSE, InMemoryTransport } from '../../lib/transport/in-memory-transport';
import { checkRequest, validateParams } from '../../lib/validation/params-validator';
import { FAKE_THREAD_ID as THREAD_ID, FAKE_TURN_ID as TURN_ID, threadStartResponse, turnInfo } from '../../lib/testing/index.js';

const [MAJOR, MINOR] = PROTOCOL_VERSION.split('.').map(Number) as [number, number];
const NEWER = `codex_cli_rs/${MAJOR}.${MINOR + 1}.0 (Linux) codex-rx`;
const SAME = `codex_cli_rs/${PROTOCOL_VERSION} (Linux) codex-rx`;
const OLDER = 'codex_cli_rs/0.169.0 (Linux) codex-rx';
const NO_VERSION = 'a-fork (Linux)';

function client(userAgent: string) {
  const transport = new InMemoryTransport({ initializeResponse: { ...FAKE_INITIALIZE_RESPONSE, userAgent } });
  transport.onRequest('thread/start', () => threadStartResponse());
  transport.onRequest('turn/start', () => ({ turn: turnInfo() }));
  transport.onRequest('thread/teleport', (params) => ({ arrived: params }));
  const codex = new Codex({ transport });
  const warnings: ProtocolWarning[] = [];
  codex.warnings$.subscribe((w) => warnings.push(w));
  return { transport, codex, warnings, sent: (method: string) => transport.sent.filter((m) => m.method === method) };
}

async function errorOf(source: Promise<unknown>): Promise<unknown> {
  try {
    await source;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('a method the pinned protocol does not know', () => {
  it('a newer server gets it, params unvalidated; one unknown-method warning per method', async () => {
    const { codex, warnings, sent } = client(NEWER);
    expect(await firstValueFrom(codex.request('thread/teleport', { to: 42 }))).toEqual({ arrived: { to: 42 } });
    expect(await firstValueFrom(codex.request('thread/teleport', { to: 'x' }))).toEqual({ arrived: { to: 'x' } });
    expect(sent('thread/teleport').map((m) => m.params)).toEqual([{ to: 42 }, { to: 'x' }]);
    expect(warnings.map((w) => [w.kind, w.message])).toEqual([
      ['unknown-method', `thread/teleport is not in the protocol codex-rx was generated from (codex ${PROTOCOL_VERSION}); codex ${MAJOR}.${MINOR + 1}.0 is newer, so it was sent without validating its params`],
    ]);
    expect(warnings[0]!.detail).toEqual({ method: 'thread/teleport' });
    await codex.close();
  });

  it('asked before the handshake, it waits for the server version (then is sent, once)', async () => {
    const transport = new InMemoryTransport({ initializeResponse: null });
    transport.onRequest('thread/teleport', () => ({ arrived: true }));
    const codex = new Codex({ transport });
    const answer = firstValueFrom(codex.request('thread/teleport', {}));
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize']);
    transport.respond(transport.sent[0]!.id!, { ...FAKE_INITIALIZE_RESPONSE, userAgent: NEWER });
    expect(await answer).toEqual({ arrived: true });
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/teleport']);
    await codex.close();
  });

  it('known methods are still validated against a newer server', async () => {
    const { codex, sent } = client(NEWER);
    await firstValueFrom(codex.connect());
    const error = await errorOf(firstValueFrom(codex.request('thread/start', { sandbox: 'wide-open' } as never)));
    expect(ValidationError.is(error)).toBe(true);
    expect(sent('thread/start')).toEqual([]);
    await codex.close();
  });

  it.each([
    ['the same version', SAME, `; the server (codex ${PROTOCOL_VERSION}) is not newer`],
    ['an older server', OLDER, '; the server (codex 0.169.0) is not newer'],
    ['a server without a version', NO_VERSION, '; the server did not say its version, so it is not known to be newer'],
  ])('%s never sees it: ValidationError with "did you mean", nothing sent, no warning', async (_name, userAgent, why) => {
    const { codex, warnings, sent } = client(userAgent);
    const error = await errorOf(firstValueFrom(codex.request('thread/strat', {})));
    expect(ValidationError.is(error)).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      { path: '', message: `"thread/strat" is not part of the app-server protocol (codex ${PROTOCOL_VERSION})${why}. Did you mean "thread/start"?` },
    ]);
    expect(sent('thread/strat')).toEqual([]);
    expect(warnings).toEqual([]);
    await codex.close();
  });

  it('validateParams without a server refuses, with the closest names', () => {
    expect(validateParams('turns/start', { threadId: 't', input: [] })).toEqual([
      { path: '', message: `"turns/start" is not part of the app-server protocol (codex ${PROTOCOL_VERSION}). Did you mean "turn/start"?` },
    ]);
    expect(validateParams('zzz/qqq', {})).toEqual([{ path: '', message: `"zzz/qqq" is not part of the app-server protocol (codex ${PROTOCOL_VERSION})` }]);
    expect(validateParams('thread/teleport', {}, { userAgent: NEWER })).toBeUndefined();
  });

  it('checkRequest: known methods at once; unknown ones after the handshake; warnings per context', () => {
    const warned: string[] = [];
    const before = { server: undefined, warn: (_k: 'unknown-method', m: string) => warned.push(m) };
    expect(checkRequest('thread/read', { threadId: 't' }, before)).toBeUndefined();
    expect(checkRequest('thread/teleport', {}, before)).toBe('after-handshake');
    const after = { server: { userAgent: NEWER }, warn: before.warn };
    expect(checkRequest('thread/teleport', {}, after)).toBeUndefined();
    expect(checkRequest('thread/teleport', {}, after)).toBeUndefined();
    expect(checkRequest('thread/teleport/2', {}, after)).toBeUndefined();
    expect(checkRequest('thread/teleport', {}, { ...after })).toBeUndefined(); // another connection warns anew
    expect(warned).toHaveLength(3);
  });

  it("typed legacy methods the JSON Schema leaves out pass (the pinned binary has them)", () => {
    expect(validateParams('getAuthStatus', { includeToken: false })).toBeUndefined();
  });
});

describe('an older server that lacks a method (its own error, typed, no hang)', () => {
  it('"unknown variant" (-32600, what 0.169.0 answers) becomes MethodNotFoundError without the method list', () => {
    const message = 'Invalid request: unknown variant `thread/realtime/list`, expected one of `initialize`, `thread/start`, `turn/start`';
    const error = rpcErrorFromWire({ code: -32600, message }, 'thread/realtime/list');
    expect(MethodNotFoundError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: -32600, data: { serverMessage: message } });
    expect(error.message).toBe('thread/realtime/list: Invalid request: unknown variant `thread/realtime/list`: this app-server does not have the method (-32600)');
    expect(MethodNotFoundError.is(rpcErrorFromWire({ code: -32600, message: 'Invalid request: missing field `providerId`' }))).toBe(false);
  });
});

describe('inbound messages the pinned protocol does not know (a newer server)', () => {
  async function withTurn() {
    const c = client(NEWER);
    const thread = await firstValueFrom(c.codex.threadStart());
    const events = lastValueFrom(thread.turn('go').pipe(toArray()));
    await new Promise((r) => setTimeout(r, 0));
    return { ...c, thread, events };
  }

  it('a notification reaches notifications$ and, by its threadId/turnId, the turn stream', async () => {
    const { codex, transport, events } = await withTurn();
    const all: string[] = [];
    codex.notifications$.subscribe((n) => all.push(n.method));
    transport.notify('turn/teleport/progress', { threadId: THREAD_ID, turnId: TURN_ID, percent: 50 });
    transport.notify('turn/teleport/progress', { threadId: THREAD_ID, turnId: 'turn-other', percent: 1 });
    transport.notify('server/teleport/ready', { anything: true });
    transport.notify('turn/completed', { threadId: THREAD_ID, turn: turnInfo({ id: TURN_ID, status: 'completed' }) });
    const turnEvents = await events;
    expect(all).toEqual(['turn/teleport/progress', 'turn/teleport/progress', 'server/teleport/ready', 'turn/completed']);
    expect(turnEvents.map((e) => e.method)).toEqual(['turn/teleport/progress', 'turn/completed']);
    expect(turnEvents[0]).toMatchObject({ params: { percent: 50 } });
    await codex.close();
  });

  it("a server request reaches the turn stream and the turn's approval handler; unclaimed, it gets the safe default (-32601)", async () => {
    const c = client(NEWER);
    const seen: unknown[] = [];
    const thread = await firstValueFrom(c.codex.threadStart());
    const events: string[] = [];
    thread
      .turn('go', {
        approvalHandler: (request, context) => {
          seen.push([request.method, context.threadId, context.turnId]);
          return (request.method as string) === 'item/teleport/requestApproval' && (request.params as { claim?: boolean }).claim ? ({ ok: true } as never) : undefined;
        },
      })
      .subscribe({ next: (e) => events.push(e.method), error: () => undefined }); // close() ends the turn with TransportClosedError
    await new Promise((r) => setTimeout(r, 0));
    c.transport.emit({ id: 'a', method: 'item/teleport/requestApproval', params: { threadId: THREAD_ID, turnId: TURN_ID, claim: true } });
    c.transport.emit({ id: 'b', method: 'item/teleport/requestApproval', params: { threadId: THREAD_ID, turnId: TURN_ID } });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([
      ['item/teleport/requestApproval', THREAD_ID, TURN_ID],
      ['item/teleport/requestApproval', THREAD_ID, TURN_ID],
    ]);
    expect(events).toEqual(['item/teleport/requestApproval', 'item/teleport/requestApproval']);
    expect(c.transport.sent.filter((m) => m.id === 'a' || m.id === 'b')).toEqual([
      { id: 'a', result: { ok: true } },
      { id: 'b', error: { code: -32601, message: expect.stringContaining('codex-rx has no handler for item/teleport/requestApproval') } },
    ]);
    await c.codex.close();
  });
});
