import { NOTIFICATION_ID_PATHS, NOTIFICATION_METHODS, SERVER_REQUEST_ID_PATHS, SERVER_REQUEST_METHODS, type IdPaths } from './tables.generated.js';

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

interface Readers {
  readonly thread?: Reader;
  readonly turn?: Reader;
}

// Every known method has readers (none for methods that carry no id). A method the pinned schema
// does not know (a newer server's) is read at the conventional `threadId` / `turnId`, so its
// messages still reach the turn stream and the approval handlers of their thread and turn.
const NO_IDS: Readers = Object.freeze({});
const CONVENTIONAL: Readers = Object.freeze({ thread: reader('threadId'), turn: reader('turnId') });

function compile(table: Readonly<Record<string, IdPaths>>, methods: readonly string[]): Map<string, Readers> {
  const out = new Map<string, Readers>(methods.map((m) => [m, NO_IDS]));
  for (const [method, paths] of Object.entries(table)) out.set(method, { thread: reader(paths.thread), turn: reader(paths.turn) });
  return out;
}

const NOTIFICATIONS = compile(NOTIFICATION_ID_PATHS, NOTIFICATION_METHODS);
const SERVER_REQUESTS = compile(SERVER_REQUEST_ID_PATHS, SERVER_REQUEST_METHODS);
const NONE: MessageIds = Object.freeze({});

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
  if (readers === NO_IDS) return NONE;
  return { threadId: read(readers, 'thread', params), turnId: read(readers, 'turn', params) };
}
