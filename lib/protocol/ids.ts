import { NOTIFICATION_ID_PATHS, SERVER_REQUEST_ID_PATHS, type IdPaths } from './tables.generated.js';

/** The thread and turn a message belongs to, when it says. */
export interface MessageIds {
  threadId?: string;
  turnId?: string;
}

const NONE: MessageIds = Object.freeze({});

function read(params: Record<string, unknown>, where: string | undefined): string | undefined {
  if (!where) return undefined;
  const dot = where.indexOf('.');
  const value = dot < 0 ? params[where] : (params[where.slice(0, dot)] as Record<string, unknown> | null | undefined)?.[where.slice(dot + 1)];
  return typeof value === 'string' ? value : undefined;
}

function idsFrom(table: Readonly<Record<string, IdPaths>>, method: string, params: unknown): MessageIds {
  const paths = table[method];
  if (!paths || params === null || typeof params !== 'object') return NONE;
  const p = params as Record<string, unknown>;
  return { threadId: read(p, paths.thread), turnId: read(p, paths.turn) };
}

/** Where a server notification says it belongs (thread and turn); O(1), table-driven. */
export function notificationIds(method: string, params: unknown): MessageIds {
  return idsFrom(NOTIFICATION_ID_PATHS, method, params);
}

/** Where a server request says it belongs (thread and turn); O(1), table-driven. */
export function serverRequestIds(method: string, params: unknown): MessageIds {
  return idsFrom(SERVER_REQUEST_ID_PATHS, method, params);
}
