import { readFileSync } from 'node:fs';
import path from 'node:path';
import { idPaths, notificationThreadId, notificationTurnId, serverRequestIds, type IdPaths, type MessageIds } from '../../lib/protocol/ids.js';

/** Both ids of a notification, as the connection reads them (turn first, thread when needed). */
const notificationIds = (method: string, params: unknown): MessageIds => ({ threadId: notificationThreadId(method, params), turnId: notificationTurnId(method, params) });
import { NOTIFICATION_IDS, SERVER_REQUEST_IDS, type IdCode } from '../../lib/protocol/tables.generated.js';
import { NOTIFICATION_METHODS, SERVER_REQUEST_METHODS } from '../support/protocol-methods.js';

/** The generated table as paths. */
const pathsOf = (table: Readonly<Record<string, IdCode>>): Record<string, IdPaths> =>
  Object.fromEntries(Object.entries(table).map(([method, code]) => [method, idPaths(code)]));
const NOTIFICATION_ID_PATHS = pathsOf(NOTIFICATION_IDS);
const SERVER_REQUEST_ID_PATHS = pathsOf(SERVER_REQUEST_IDS);

const schemaDir = path.resolve(__dirname, '..', '..', 'lib', 'protocol', 'schema');

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
}

/** Each method of a union schema (ServerNotification.json, ServerRequest.json) with its dereferenced params schema. */
function methodsOf(file: string): Array<{ method: string; params: JsonSchema | undefined; deref: (s: JsonSchema | undefined) => JsonSchema }> {
  const union = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as JsonSchema;
  const defs = union.definitions ?? {};
  const deref = (s: JsonSchema | undefined): JsonSchema => {
    let at = s;
    while (at?.$ref) at = defs[at.$ref.split('/').pop()!];
    return at ?? {};
  };
  return union.oneOf!.map((variant) => ({
    method: (variant.properties!.method as { enum: string[] }).enum[0],
    params: variant.properties!.params ? deref(variant.properties!.params) : undefined,
    deref,
  }));
}

/** Params with `value` at `where` ('threadId', 'conversationId', 'thread.id', 'turnId', 'turn.id'). */
function place(params: Record<string, unknown>, where: string, value: unknown): void {
  const [head, tail] = where.split('.');
  if (tail === undefined) params[head] = value;
  else params[head] = { ...(params[head] as object | undefined), [tail]: value };
}

function paramsWith(paths: IdPaths, threadId: unknown, turnId: unknown): Record<string, unknown> {
  const params: Record<string, unknown> = { unrelated: 'x', id: 'not-a-thread-id' };
  if (paths.thread) place(params, paths.thread, threadId);
  if (paths.turn) place(params, paths.turn, turnId);
  return params;
}

test('idPaths reads every letter of an id code', () => {
  expect(idPaths('')).toEqual({});
  expect(idPaths('tu')).toEqual({ thread: 'threadId', turn: 'turnId' });
  expect(idPaths('hn')).toEqual({ thread: 'thread.id', turn: 'turn.id' });
  expect(idPaths('c')).toEqual({ thread: 'conversationId' });
  expect(idPaths('u')).toEqual({ turn: 'turnId' });
});

describe.each([
  ['notificationIds', notificationIds, NOTIFICATION_ID_PATHS, NOTIFICATION_METHODS],
  ['serverRequestIds', serverRequestIds, SERVER_REQUEST_ID_PATHS, SERVER_REQUEST_METHODS],
] as const)('%s', (_name, idsOf, table, allMethods) => {
  const entries = Object.entries(table);

  it('has a table that is not trivially empty', () => {
    expect(entries.length).toBeGreaterThan(5);
  });

  it('only lists methods that exist', () => {
    for (const [method] of entries) expect(allMethods).toContain(method);
  });

  describe.each(entries)('%s', (method, paths) => {
    it('reads the ids where the table says they are', () => {
      const ids = idsOf(method, paramsWith(paths, 'thr_1', 'turn_1'));
      expect(ids.threadId).toBe(paths.thread ? 'thr_1' : undefined);
      expect(ids.turnId).toBe(paths.turn ? 'turn_1' : undefined);
    });

    it('ignores ids that are not strings (null, numbers, objects)', () => {
      for (const bad of [null, 42, { id: 'x' }, true]) {
        expect(idsOf(method, paramsWith(paths, bad, bad))).toEqual({ threadId: undefined, turnId: undefined });
      }
    });

    it('returns no ids when params are missing or not an object', () => {
      for (const params of [undefined, null, 'thr_1', 3, []]) {
        const ids = idsOf(method, params);
        expect(ids.threadId).toBeUndefined();
        expect(ids.turnId).toBeUndefined();
      }
    });

    it('does not read ids from other places', () => {
      const decoy = { threadId: 'decoy', conversationId: 'decoy', turnId: 'decoy', thread: { id: 'decoy' }, turn: { id: 'decoy' } };
      const params = { ...decoy };
      if (paths.thread) place(params, paths.thread, 'thr_real');
      if (paths.turn) place(params, paths.turn, 'turn_real');
      const ids = idsOf(method, params);
      expect(ids.threadId).toBe(paths.thread ? 'thr_real' : undefined);
      expect(ids.turnId).toBe(paths.turn ? 'turn_real' : undefined);
    });
  });

  it('reads the known methods without an entry (their params have no id field) at the conventional threadId / turnId only', () => {
    const without = allMethods.filter((m) => !(m in table));
    expect(without.length).toBeGreaterThan(0);
    for (const method of without) {
      expect(idsOf(method, { thread: { id: 't' }, turn: { id: 'u' }, conversationId: 't' })).toEqual({});
      expect(idsOf(method, {})).toEqual({});
    }
  });

  it("reads a method the protocol does not know (a newer server's) at the conventional threadId / turnId, and nowhere else", () => {
    expect(idsOf('thread/teleport/started', { threadId: 't', turnId: 'u', thread: { id: 'x' }, conversationId: 'x' })).toEqual({ threadId: 't', turnId: 'u' });
    expect(idsOf('thread/teleport/started', { thread: { id: 'x' }, turn: { id: 'y' }, conversationId: 'x' })).toEqual({});
    expect(idsOf('thread/teleport/started', { threadId: 42, turnId: null })).toEqual({});
    expect(idsOf('constructor', { threadId: 't' })).toEqual({ threadId: 't' });
    for (const params of [undefined, null, 'thr_1', []]) expect(idsOf('thread/teleport/started', params)).toEqual({});
  });
});

describe('notificationIds for real messages', () => {
  it('turn/started and turn/completed carry the turn as turn.id', () => {
    expect(notificationIds('turn/started', { threadId: 'th', turn: { id: 'tu', status: 'inProgress', items: [] } })).toEqual({ threadId: 'th', turnId: 'tu' });
    expect(notificationIds('turn/completed', { threadId: 'th', turn: { id: 'tu', status: 'completed' } })).toEqual({ threadId: 'th', turnId: 'tu' });
  });

  it('thread/started carries the thread as thread.id', () => {
    expect(notificationIds('thread/started', { thread: { id: 'th', preview: '' } })).toEqual({ threadId: 'th', turnId: undefined });
  });

  it('a nullable turnId that is null gives no turn', () => {
    expect(notificationIds('hook/started', { threadId: 'th', turnId: null })).toEqual({ threadId: 'th', turnId: undefined });
  });

  it('turn.id with turn null gives no turn', () => {
    expect(notificationIds('turn/completed', { threadId: 'th', turn: null })).toEqual({ threadId: 'th', turnId: undefined });
  });

  it('legacy server requests carry the thread as conversationId', () => {
    expect(serverRequestIds('execCommandApproval', { conversationId: 'th', callId: 'c' })).toEqual({ threadId: 'th', turnId: undefined });
  });
});

describe.each([
  ['ServerNotification.json', NOTIFICATION_ID_PATHS, NOTIFICATION_METHODS],
  ['ServerRequest.json', SERVER_REQUEST_ID_PATHS, SERVER_REQUEST_METHODS],
] as const)('the id table against %s', (file, table, allMethods) => {
  const methods = methodsOf(file);

  it('lists exactly the methods whose params carry an id; the others have no id field, so their conventional read finds none', () => {
    expect([...allMethods].sort()).toEqual(methods.map((m) => m.method).sort());
    const ID_FIELDS = ['threadId', 'conversationId', 'turnId', 'thread', 'turn'];
    const unlisted = methods.filter((m) => !(m.method in table));
    expect(unlisted.length).toBeGreaterThan(0);
    for (const { method, params } of unlisted) expect([method, Object.keys(params?.properties ?? {}).filter((k) => ID_FIELDS.includes(k))]).toEqual([method, []]);
  });

  it('records every required threadId / turnId / conversationId, with that path', () => {
    let checked = 0;
    for (const { method, params } of methods) {
      const required = new Set(params?.required ?? []);
      if (required.has('threadId')) {
        expect([method, table[method]?.thread]).toEqual([method, 'threadId']);
        checked++;
      }
      if (required.has('turnId')) {
        expect([method, table[method]?.turn]).toEqual([method, 'turnId']);
        checked++;
      }
      if (required.has('conversationId') && !params?.properties?.threadId) {
        expect([method, table[method]?.thread]).toEqual([method, 'conversationId']);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('records a required thread / turn object with a required id as thread.id / turn.id', () => {
    for (const { method, params, deref } of methods) {
      const props = params?.properties ?? {};
      const required = new Set(params?.required ?? []);
      if (required.has('thread') && !props.threadId && deref(props.thread).required?.includes('id')) {
        expect([method, table[method]?.thread]).toEqual([method, 'thread.id']);
      }
      if (required.has('turn') && !props.turnId && deref(props.turn).required?.includes('id')) {
        expect([method, table[method]?.turn]).toEqual([method, 'turn.id']);
      }
    }
  });

  it('also records optional (nullable) ids, so messages that carry one are routed', () => {
    for (const { method, params } of methods) {
      const props = params?.properties ?? {};
      if (props.threadId) expect([method, table[method]?.thread]).toEqual([method, 'threadId']);
      if (props.turnId) expect([method, table[method]?.turn]).toEqual([method, 'turnId']);
    }
  });

  it('records nothing the schema does not have', () => {
    const byMethod = new Map(methods.map((m) => [m.method, m]));
    for (const [method, paths] of Object.entries(table)) {
      const { params, deref } = byMethod.get(method)!;
      const props = params?.properties ?? {};
      for (const where of [paths.thread, paths.turn]) {
        if (!where) continue;
        const [head, tail] = where.split('.');
        expect([method, where, head in props]).toEqual([method, where, true]);
        if (tail) expect([method, where, tail in (deref(props[head]).properties ?? {})]).toEqual([method, where, true]);
      }
    }
  });

  it('the ids it extracts from a schema-shaped message are the ones the schema puts there', () => {
    for (const { method, params } of methods) {
      const props = params?.properties ?? {};
      const message: Record<string, unknown> = {};
      if (props.threadId) message.threadId = 'th';
      else if (props.conversationId) message.conversationId = 'th';
      else if (props.thread) message.thread = { id: 'th' };
      if (props.turnId) message.turnId = 'tu';
      else if (props.turn) message.turn = { id: 'tu' };
      const ids = (file === 'ServerNotification.json' ? notificationIds : serverRequestIds)(method, message);
      expect([method, ids.threadId]).toEqual([method, 'threadId' in message || 'conversationId' in message || 'thread' in message ? 'th' : undefined]);
      expect([method, ids.turnId]).toEqual([method, 'turnId' in message || 'turn' in message ? 'tu' : undefined]);
    }
  });
});
