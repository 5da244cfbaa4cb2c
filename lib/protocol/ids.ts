import { NOTIFICATION_IDS, SERVER_REQUEST_IDS, type IdCode } from './tables.generated.js';

/** The thread and turn a message belongs to, when it says. */
export interface MessageIds {
  threadId?: string;
  turnId?: string;
}

type Params = Record<string, unknown>;
type Reader = (params: Params) => string | undefined;

const asId = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// One reader per path, built once: the hot path does a Map lookup and a property read or two.
function reader(where: string | undefined): Reader | undefined {
  if (!where) return undefined;
  const dot = where.indexOf('.');
  if (dot < 0) return (p) => asId(p[where]);
  const outer = where.slice(0, dot);
  const inner = where.slice(dot + 1);
  return (p) => asId((p[outer] as Params | null | undefined)?.[inner]);
}

/** Where a message's thread id and turn id sit in its params ('turn.id' = params.turn.id). */
export interface IdPaths {
  readonly thread?: 'threadId' | 'conversationId' | 'thread.id';
  readonly turn?: 'turnId' | 'turn.id';
}

const THREAD_AT = { t: 'threadId', c: 'conversationId', h: 'thread.id' } as const;
const TURN_AT = { u: 'turnId', n: 'turn.id' } as const;

/** The paths an id code of the generated tables stands for (see IdCode). */
export function idPaths(code: IdCode | ''): IdPaths {
  const paths: { thread?: IdPaths['thread']; turn?: IdPaths['turn'] } = {};
  for (const letter of code) {
    if (letter in THREAD_AT) paths.thread = THREAD_AT[letter as keyof typeof THREAD_AT];
    else paths.turn = TURN_AT[letter as keyof typeof TURN_AT];
  }
  return paths;
}

interface Readers {
  readonly thread?: Reader;
  readonly turn?: Reader;
}

// The methods that carry an id have readers at their paths. Any other method is read at the
// conventional `threadId` / `turnId`: the pinned schema's other methods have neither field (so
// they give none), and a method it does not know (a newer server's) still reaches the turn stream
// and the approval handlers of its thread and turn.
const CONVENTIONAL: Readers = Object.freeze({ thread: reader('threadId'), turn: reader('turnId') });

function compile(table: Readonly<Record<string, IdCode>>): Map<string, Readers> {
  const out = new Map<string, Readers>();
  for (const [method, code] of Object.entries(table)) {
    const paths = idPaths(code);
    out.set(method, { thread: reader(paths.thread), turn: reader(paths.turn) });
  }
  return out;
}

const NOTIFICATIONS = compile(NOTIFICATION_IDS);
const SERVER_REQUESTS = compile(SERVER_REQUEST_IDS);

function read(readers: Readers | undefined, which: 'thread' | 'turn', params: unknown): string | undefined {
  if (!readers || params === null || typeof params !== 'object') return undefined;
  return readers[which]?.(params as Params);
}

/** The turn id a server notification carries, if any (O(1), allocation-free: the routing hot path). */
export function notificationTurnId(method: string, params: unknown): string | undefined {
  return read(NOTIFICATIONS.get(method) ?? CONVENTIONAL, 'turn', params);
}

/** The thread id a server notification carries, if any (O(1), allocation-free). */
export function notificationThreadId(method: string, params: unknown): string | undefined {
  return read(NOTIFICATIONS.get(method) ?? CONVENTIONAL, 'thread', params);
}

/** Where a server request says it belongs (thread and turn); O(1), table-driven. */
export function serverRequestIds(method: string, params: unknown): MessageIds {
  const readers = SERVER_REQUESTS.get(method) ?? CONVENTIONAL;
  return { threadId: read(readers, 'thread', params), turnId: read(readers, 'turn', params) };
}
